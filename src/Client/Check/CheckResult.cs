namespace OrleansHpo.Client.Check;

/// <summary>One property of a trainable, checked: passed or not, and what was seen.</summary>
public sealed record CheckResult(string Property, bool Passed, string Detail)
{
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")}  {Property}: {Detail}";
}
