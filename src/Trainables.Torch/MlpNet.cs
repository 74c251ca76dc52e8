using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Syne Tune's mlp_on_fashion_mnist network: 784 → n1 → n2 → 10 with ReLU and dropout.
/// Dropout masks come from <see cref="NoiseGenerator"/>, a generator the trainable owns and re-seeds per epoch.</summary>
internal sealed class MlpNet : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;
    private readonly double _dropout1;
    private readonly double _dropout2;
    // Explicit scalars owned by this model (one per thread's trainable) and disposed with it: an implicit
    // double -> Scalar temporary can be finalized by another thread's GC while libtorch still reads it (see KeptAliveAdam).
    private readonly Scalar _drop1;
    private readonly Scalar _drop2;
    private readonly Scalar _keepScale1;
    private readonly Scalar _keepScale2;

    public MlpNet(int units1, int units2, double dropout1, double dropout2, Generator initGenerator)
        : base("fashion_mlp")
    {
        fc1 = nn.Linear(FashionMnist.PixelsPerImage, units1);
        fc2 = nn.Linear(units1, units2);
        fc3 = nn.Linear(units2, 10);
        _dropout1 = dropout1;
        _dropout2 = dropout2;
        _drop1 = dropout1.ToScalar();
        _drop2 = dropout2.ToScalar();
        _keepScale1 = (1.0 / (1.0 - dropout1)).ToScalar();
        _keepScale2 = (1.0 / (1.0 - dropout2)).ToScalar();
        RegisterComponents();
        TorchInit.Default(fc1, initGenerator);
        TorchInit.Default(fc2, initGenerator);
        TorchInit.Default(fc3, initGenerator);
    }

    /// <summary>Generator for dropout masks; must live on the model's device.</summary>
    public Generator? NoiseGenerator { get; set; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Dropout(nn.functional.relu(fc1.forward(input)), _dropout1, _drop1, _keepScale1);
        x = Dropout(nn.functional.relu(fc2.forward(x)), _dropout2, _drop2, _keepScale2);
        return fc3.forward(x).MoveToOuterDisposeScope();
    }

    private Tensor Dropout(Tensor x, double p, Scalar drop, Scalar keepScale)
    {
        if (!training || p <= 0)
        {
            return x;
        }
        var generator = NoiseGenerator ?? throw new InvalidOperationException("MlpNet.NoiseGenerator must be set before training with dropout.");
        // Inverted dropout, as torch.nn.Dropout: keep with probability 1-p and scale by 1/(1-p).
        var keep = rand(x.shape, dtype: x.dtype, device: x.device, generator: generator).ge_(drop).to_type(x.dtype);
        return x.mul(keep).mul_(keepScale);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fc1.Dispose();
            fc2.Dispose();
            fc3.Dispose();
            _drop1.Dispose();
            _drop2.Dispose();
            _keepScale1.Dispose();
            _keepScale2.Dispose();
        }
        base.Dispose(disposing);
    }
}
