using System.Reflection;
using OrleansHpo.Core.Training;

namespace OrleansHpo.Grains.Execution;

/// <summary>
/// A failure of the trainable's own code (its factory, constructor, Setup, TrainEpoch, LoadCheckpoint) or of what it
/// reported (a NaN metric, a declared metric missing). The failure model's "trainable's fault": it fails that trial
/// only, with <see cref="Exception.Message"/> as the recorded reason (docs/architecture.md, "Failures").
/// </summary>
public sealed class TrainableFaultException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Runs <paramref name="call"/> (user code) and wraps what it throws, unwrapping reflection's wrapper.</summary>
    public static T Guard<T>(string what, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not OperationCanceledException and not TrainableFaultException)
        {
            var inner = Unwrap(e);
            throw new TrainableFaultException($"{what} threw {inner.GetType().Name}: {inner.Message}", inner);
        }
    }

    /// <inheritdoc cref="Guard{T}"/>
    public static void Guard(string what, Action call) => Guard(what, () => { call(); return 0; });

    /// <summary>Creates a trial's trainable; a failure names the trainable, its factory type and library, and the inner message.</summary>
    public static ITrainable Create(ITrainableFactory factory)
    {
        var type = factory.GetType();
        var library = Path.GetFileName(type.Assembly.Location);
        return Guard($"creating trainable '{factory.Name}' (factory {type.FullName} in {(library.Length > 0 ? library : type.Assembly.GetName().Name)})", factory.Create);
    }

    /// <summary>The exception a reflection call or a task wrapped.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or TypeInitializationException or AggregateException && e.InnerException is { } inner)
        {
            e = inner;
        }
        return e;
    }
}
