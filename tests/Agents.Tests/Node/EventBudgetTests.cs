using OrleansOrchestrator.Agents.Node;

namespace OrleansOrchestrator.Agents.Tests.Node;

public class EventBudgetTests
{
    [Fact]
    public void TrySend_BudgetSpent_DropsWithoutSending()
    {
        var budget = new EventBudget(2);
        var pending = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var sent = 0;

        Assert.True(budget.TrySend(() => { sent++; return pending[0].Task; }));
        Assert.True(budget.TrySend(() => { sent++; return pending[1].Task; }));
        Assert.False(budget.TrySend(() => { sent++; return Task.CompletedTask; }));

        Assert.Equal(2, sent);
        Assert.Equal(1, budget.Dropped);
    }

    [Fact]
    public async Task TrySend_ReportDoneOrFailed_GivesItsRoomBack()
    {
        var budget = new EventBudget(1);
        var first = new TaskCompletionSource();
        Assert.True(budget.TrySend(() => first.Task));
        Assert.False(budget.TrySend(() => Task.CompletedTask));

        first.SetException(new TimeoutException("the silo did not answer"));

        await Eventually.True(() => budget.InFlight == 0, "the failed report's room given back");
        Assert.True(budget.TrySend(() => Task.CompletedTask));
        Assert.Equal(1, budget.Dropped);
    }

    [Fact]
    public void TrySend_SendThrows_GivesItsRoomBack()
    {
        var budget = new EventBudget(1);

        Assert.Throws<InvalidOperationException>(() => budget.TrySend(() => throw new InvalidOperationException("no client")));

        Assert.True(budget.TrySend(() => Task.CompletedTask));
    }
}
