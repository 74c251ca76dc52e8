namespace OrleansHpo.Client;

/// <summary>
/// Process exit codes of <c>hpo</c>: 0 done, 1 failure (the experiment failed or every trial did), 2 bad input or a
/// refused command (spec errors, a folder owned by another process), 128 + N after signal N (130 SIGINT, 143 SIGTERM).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
