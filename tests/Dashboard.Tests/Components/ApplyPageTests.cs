using Bunit;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class ApplyPageTests
{
    private readonly FakeClusterBackend _backend = new();

    [Fact]
    public async Task Save_RefusedWithFieldProblems_ProblemsShownInline()
    {
        _backend.Refusal = new ActionFailedException(422, "Deployment.apps \"web\" is invalid",
            [new FieldProblem("spec.replicas", "Invalid value: -1: must be greater than or equal to 0"), new FieldProblem("spec.template.spec.containers[0].image", "Required value")]);
        await using var ctx = Create(new FakeClusterFeed(), _backend);
        var page = ctx.Render<Apply>();
        page.WaitForElement("#apply-save", Patience);

        await page.Find("#apply-save").ClickAsync(new());

        page.WaitForElement("#apply-error", Patience);
        Assert.Contains("Deployment.apps \"web\" is invalid", page.Find("#apply-error").TextContent);
        var problems = page.FindAll(".apply-problem").Select(p => p.TextContent.Trim()).ToList();
        Assert.Equal(["spec.replicas: Invalid value: -1: must be greater than or equal to 0", "spec.template.spec.containers[0].image: Required value"], problems);
        Assert.Equal("create", Assert.Single(_backend.Calls).Verb);
    }

    [Fact]
    public async Task Save_RefusedThenAccepted_ErrorCleared()
    {
        _backend.Refusal = new ActionFailedException(409, "the object has been modified");
        await using var ctx = Create(new FakeClusterFeed(), _backend);
        var page = ctx.Render<Apply>();
        page.WaitForElement("#apply-save", Patience);
        await page.Find("#apply-save").ClickAsync(new());
        page.WaitForElement("#apply-error", Patience);

        _backend.Refusal = null;
        await page.Find("#apply-save").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#apply-error")), Patience);
        Assert.Equal(2, _backend.Calls.Count);
    }

    [Fact]
    public async Task Render_UserWhoMayNotCreate_SaveDisabled()
    {
        await using var ctx = Create(new FakeClusterFeed(), _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = ctx.Render<Apply>();

        page.WaitForAssertion(() => Assert.True(page.Find("#apply-save").HasAttribute("disabled")), Patience);
        Assert.Contains("You may not create objects.", page.Markup);
    }
}
