using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Turns the silo's device string ("cpu", "cuda", "cuda:N", "auto") into a torch device.</summary>
internal static class TorchDevices
{
    public static Device Resolve(string? requested)
    {
        var text = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
        if (text == "auto")
        {
            return cuda.is_available() ? CUDA : CPU;
        }
        if (text.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Device '{requested}' was requested but CUDA is not available to TorchSharp in this process; use 'cpu' or 'auto'.");
        }
        try
        {
            return new Device(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"Unknown training device '{requested}'; use 'cpu', 'cuda', 'cuda:N' or 'auto'.", e);
        }
    }
}
