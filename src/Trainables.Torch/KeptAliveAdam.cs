using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>
/// TorchSharp's <see cref="Adam"/> with a step whose <see cref="Scalar"/> arguments stay alive until libtorch is done
/// with them. Same update, same state and same checkpoint format as the base class, so results and checkpoints are
/// bit-identical to <c>optim.Adam</c>; only the lifetime of the scalars differs.
/// <para>Why: TorchSharp 0.107's <c>Adam.step</c> passes temporaries such as <c>add_(eps)</c> (a <c>Scalar</c>
/// converted implicitly from a double, plus an implicit <c>alpha = 1</c>) to native calls by raw handle. Once the
/// handle is read the managed <c>Scalar</c> is unreachable, so a garbage collection started by another thread (a
/// concurrent trial) can finalize it, and its finalizer frees the native <c>at::Scalar</c> while libtorch still reads
/// it: <c>Expected false to be true ... toDouble at c10/core/Scalar.h:140</c> from <c>THSTensor_add_scalar_</c>.
/// Here every scalar is an explicit local held by <c>using</c> (kept alive across the call, freed deterministically
/// on this thread); none is shared between trainables or threads.</para>
/// <para>The update follows TorchSharp's <c>Modules.Adam.step</c> (dotnet/TorchSharp, src/TorchSharp/Optimizers/Adam.cs),
/// which follows PyTorch's single-tensor Adam.</para>
/// </summary>
public sealed class KeptAliveAdam : Adam
{
    public KeptAliveAdam(IEnumerable<Parameter> parameters, double lr, double weightDecay)
        : base(parameters, lr: lr, weight_decay: weightDecay)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    private void Update(ParamGroup group)
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value;
        double beta2 = options.beta2!.Value;
        double weightDecay = options.weight_decay!.Value;
        bool amsgrad = options.amsgrad!.Value;
        bool maximize = options.maximize!.Value;
        double lr = options.LearningRate!.Value;

        using var one = 1.ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta1 = (1 - beta1).ToScalar();
        using var oneMinusBeta2 = (1 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        using var decay = weightDecay.ToScalar();

        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }
            if (maximize)
            {
                grad = -grad;
            }
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (weightDecay != 0)
            {
                grad = grad.add(param, alpha: decay);
            }

            state.exp_avg.mul_(beta1Scalar).add_(grad, alpha: oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad.conj(), value: oneMinusBeta2);

            Tensor second = state.exp_avg_sq;
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                second = state.max_exp_avg_sq;
            }
            using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var negativeStepSize = (-(lr / biasCorrection1)).ToScalar();
            var denominator = second.sqrt().div(sqrtBiasCorrection2).add_(eps, one);
            param.addcdiv_(state.exp_avg, denominator, value: negativeStepSize);
        }
    }
}
