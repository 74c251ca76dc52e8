using System.Globalization;

namespace OrleansHpo.Trainables.Torch;

/// <summary>Reads hyperparameters (long, double, string or bool) with defaults and range checks.</summary>
internal static class ConfigValues
{
    public static int Int(IReadOnlyDictionary<string, object> config, string key, int fallback, int min, int max)
    {
        if (!config.TryGetValue(key, out var value))
        {
            return fallback;
        }
        double number = value switch
        {
            long l => l,
            int i => i,
            double d when d == Math.Floor(d) => d,
            float f when f == MathF.Floor(f) => f,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException($"Hyperparameter '{key}' must be an integer; got '{value}' ({value.GetType().Name})."),
        };
        if (number < min || number > max)
        {
            throw new ArgumentException($"Hyperparameter '{key}' = {number} is outside [{min}, {max}].");
        }
        return (int)number;
    }

    public static double Double(IReadOnlyDictionary<string, object> config, string key, double fallback, double min, double max)
    {
        if (!config.TryGetValue(key, out var value))
        {
            return fallback;
        }
        double number = value switch
        {
            double d => d,
            long l => l,
            int i => i,
            float f => f,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException($"Hyperparameter '{key}' must be a number; got '{value}' ({value.GetType().Name})."),
        };
        if (!(number >= min && number <= max))
        {
            throw new ArgumentException($"Hyperparameter '{key}' = {number.ToString("R", CultureInfo.InvariantCulture)} is outside [{min}, {max}].");
        }
        return number;
    }
}
