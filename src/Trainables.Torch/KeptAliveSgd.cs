using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// TorchSharp's <see cref="SGD"/> with a step whose <see cref="Scalar"/> arguments stay alive until libtorch is done
/// with them (the race <see cref="KeptAliveAdam"/> describes: TorchSharp 0.107's <c>SGD.step</c> passes
/// <c>add_(grad, alpha: -lr)</c> an implicit temporary). Same update, state and checkpoint format as the base class.
/// <para>The update follows TorchSharp's <c>Modules.SGD.step</c> (dotnet/TorchSharp, src/TorchSharp/Optimizers/SGD.cs).</para>
/// </summary>
public sealed class KeptAliveSgd : SGD
{
    public KeptAliveSgd(IEnumerable<Parameter> parameters, double lr)
        : base(parameters, lr)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    private void Update(ParamGroup group)
    {
        var options = group.Options;
        double momentum = options.momentum!.Value;
        double dampening = options.dampening!.Value;
        double weightDecay = options.weight_decay!.Value;
        bool nesterov = options.nesterov!.Value;
        bool maximize = options.maximize!.Value;
        double lr = options.LearningRate!.Value;

        using var decay = weightDecay.ToScalar();
        using var momentumScalar = momentum.ToScalar();
        using var oneMinusDampening = (1 - dampening).ToScalar();
        using var stepAlpha = (maximize ? lr : -lr).ToScalar();

        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }
            if (weightDecay != 0)
            {
                grad = grad.add(param, alpha: decay);
            }
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    buffer.mul_(momentumScalar).add_(grad, alpha: oneMinusDampening);
                }
                grad = nesterov ? grad.add(buffer, alpha: momentumScalar) : buffer;
                state.momentum_buffer = buffer;
            }
            param.add_(grad, alpha: stepAlpha);
        }
    }
}
