using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Weight initialisation that draws only from a generator the trainable owns, never from torch's
/// process-wide default generator (which concurrent trials in one silo would share).</summary>
internal static class TorchInit
{
    /// <summary>PyTorch's default for Linear: weight and bias uniform in ±1/sqrt(fan_in).</summary>
    public static void Default(Linear layer, Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(layer.in_features);
        Uniform(layer.weight!, bound, generator);
        if (layer.bias is not null)
        {
            Uniform(layer.bias, bound, generator);
        }
    }

    /// <summary>d2l's init_cnn for Linear: Xavier-uniform weight, default bias.</summary>
    public static void Xavier(Linear layer, Generator generator)
    {
        Uniform(layer.weight!, Math.Sqrt(6.0 / (layer.in_features + layer.out_features)), generator);
        if (layer.bias is not null)
        {
            Uniform(layer.bias, 1.0 / Math.Sqrt(layer.in_features), generator);
        }
    }

    /// <summary>d2l's init_cnn for Conv2d: Xavier-uniform weight, default bias (±1/sqrt(fan_in)).</summary>
    public static void Xavier(Conv2d layer, Generator generator)
    {
        var weight = layer.weight!;
        long outChannels = weight.shape[0];
        long inChannels = weight.shape[1];
        long receptive = weight.shape[2] * weight.shape[3];
        long fanIn = inChannels * receptive;
        long fanOut = outChannels * receptive;
        Uniform(weight, Math.Sqrt(6.0 / (fanIn + fanOut)), generator);
        if (layer.bias is not null)
        {
            Uniform(layer.bias, 1.0 / Math.Sqrt(fanIn), generator);
        }
    }

    private static void Uniform(Tensor parameter, double bound, Generator generator)
    {
        // Tensor.uniform_ honours the generator; nn.init.uniform_ in TorchSharp 0.107 ignores it.
        using var noGrad = no_grad();
        parameter.uniform_(-bound, bound, generator: generator);
    }
}
