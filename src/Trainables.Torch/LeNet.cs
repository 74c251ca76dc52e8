using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>d2l's LeNet (sigmoid activations, average pooling), initialised as d2l.init_cnn does.</summary>
internal sealed class LeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public LeNet(Generator initGenerator)
        : base("fashion_lenet")
    {
        conv1 = nn.Conv2d(1, 6, kernel_size: 5, padding: 2);
        conv2 = nn.Conv2d(6, 16, kernel_size: 5);
        fc1 = nn.Linear(16 * 5 * 5, 120);
        fc2 = nn.Linear(120, 84);
        fc3 = nn.Linear(84, 10);
        RegisterComponents();
        TorchInit.Xavier(conv1, initGenerator);
        TorchInit.Xavier(conv2, initGenerator);
        TorchInit.Xavier(fc1, initGenerator);
        TorchInit.Xavier(fc2, initGenerator);
        TorchInit.Xavier(fc3, initGenerator);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.view(-1, 1, 28, 28);
        x = nn.functional.avg_pool2d(sigmoid(conv1.forward(x)), 2, 2);
        x = nn.functional.avg_pool2d(sigmoid(conv2.forward(x)), 2, 2);
        x = x.flatten(1);
        x = sigmoid(fc1.forward(x));
        x = sigmoid(fc2.forward(x));
        return fc3.forward(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            fc1.Dispose();
            fc2.Dispose();
            fc3.Dispose();
        }
        base.Dispose(disposing);
    }
}
