namespace OrleansOrchestrator.Fuzzing;

/// <summary>The few choices the generator makes, on a seeded <see cref="Random"/>.</summary>
public static class RandomExtensions
{
    public static T Pick<T>(this Random random, params T[] choices) => choices[random.Next(choices.Length)];

    public static T PickFrom<T>(this Random random, IReadOnlyList<T> choices) => choices[random.Next(choices.Count)];

    public static bool Chance(this Random random, double probability) => random.NextDouble() < probability;

    /// <summary>One of <paramref name="choices"/>, each as likely as its weight.</summary>
    public static T Weighted<T>(this Random random, params (int Weight, T Choice)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, choice) in choices)
        {
            if (roll < weight) return choice;
            roll -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }
}
