namespace OrleansHpo.Client;

/// <summary>A problem with what the user asked for: printed as is (no stack trace), exit code 2.</summary>
public sealed class UserError(string message) : Exception(message);
