using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Contracts.Tests.Selection;

public class SelectorParserTests
{
    /// <summary>Which fields a kind offers is the silo's kind registry's business (tested there); here only the syntax.</summary>
    private static bool AnyField(string field) => true;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ParseLabels_NoSelector_NoRequirements(string? selector)
    {
        Assert.Empty(SelectorParser.ParseLabels(selector));
    }

    [Theory]
    [InlineData("app=web", "app", LabelOperator.Equals, "web")]
    [InlineData("app==web", "app", LabelOperator.Equals, "web")]
    [InlineData("app!=web", "app", LabelOperator.NotEquals, "web")]
    [InlineData(" app = web ", "app", LabelOperator.Equals, "web")]
    [InlineData("app.kubernetes.io/name=web", "app.kubernetes.io/name", LabelOperator.Equals, "web")]
    [InlineData("app=", "app", LabelOperator.Equals, "")]
    public void ParseLabels_EqualityClause_KeyOperatorAndValue(string selector, string key, LabelOperator op, string value)
    {
        var requirement = Assert.Single(SelectorParser.ParseLabels(selector));

        Assert.Equal(key, requirement.Key);
        Assert.Equal(op, requirement.Operator);
        Assert.Equal([value], requirement.Values);
    }

    [Theory]
    [InlineData("tier in (front,back)", LabelOperator.In)]
    [InlineData("tier in (front, back)", LabelOperator.In)]
    [InlineData("tier in(front,back)", LabelOperator.In)]
    [InlineData("tier notin (front,back)", LabelOperator.NotIn)]
    [InlineData("tier  notin  ( front , back )", LabelOperator.NotIn)]
    public void ParseLabels_SetClause_AllValuesInOrder(string selector, LabelOperator op)
    {
        var requirement = Assert.Single(SelectorParser.ParseLabels(selector));

        Assert.Equal("tier", requirement.Key);
        Assert.Equal(op, requirement.Operator);
        Assert.Equal(["front", "back"], requirement.Values);
    }

    [Fact]
    public void ParseLabels_BareKey_Exists()
    {
        var requirement = Assert.Single(SelectorParser.ParseLabels("canary"));

        Assert.Equal("canary", requirement.Key);
        Assert.Equal(LabelOperator.Exists, requirement.Operator);
        Assert.Empty(requirement.Values);
    }

    [Fact]
    public void ParseLabels_NegatedKey_DoesNotExist()
    {
        var requirement = Assert.Single(SelectorParser.ParseLabels("!canary"));

        Assert.Equal("canary", requirement.Key);
        Assert.Equal(LabelOperator.DoesNotExist, requirement.Operator);
        Assert.Empty(requirement.Values);
    }

    [Fact]
    public void ParseLabels_EveryOperatorTogether_OneRequirementEachInOrder()
    {
        var requirements = SelectorParser.ParseLabels("a=b,c!=d,e in (f,g),h notin (i),j,!k");

        Assert.Equal(
            [("a", LabelOperator.Equals), ("c", LabelOperator.NotEquals), ("e", LabelOperator.In), ("h", LabelOperator.NotIn), ("j", LabelOperator.Exists), ("k", LabelOperator.DoesNotExist)],
            requirements.Select(r => (r.Key, r.Operator)));
        Assert.Equal(["f", "g"], requirements[2].Values);
        Assert.Equal(["i"], requirements[3].Values);
    }

    [Fact]
    public void ParseLabels_CommaInsideValueSet_DoesNotSplitTheClause()
    {
        var requirements = SelectorParser.ParseLabels("env in (dev,staging,prod),app=web");

        Assert.Equal(2, requirements.Count);
        Assert.Equal(["dev", "staging", "prod"], requirements[0].Values);
        Assert.Equal("app", requirements[1].Key);
    }

    [Theory]
    [InlineData("a=b,")]
    [InlineData(",a=b")]
    [InlineData("a=b,,c=d")]
    [InlineData(",")]
    [InlineData("=web")]
    [InlineData("!=web")]
    [InlineData("app web")]
    [InlineData("tier in (a,b")]
    [InlineData("tier in a,b")]
    [InlineData("!")]
    [InlineData("(app)=web")]
    public void ParseLabels_Malformed_FormatExceptionNamingTheSelector(string selector)
    {
        var error = Assert.Throws<FormatException>(() => SelectorParser.ParseLabels(selector));

        Assert.Contains(selector, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app=a b")]
    [InlineData("app=-web")]
    [InlineData("app!=web/v1")]
    [InlineData("tier in (front,back end)")]
    public void ParseLabels_InvalidLabelValue_FormatException(string selector)
    {
        // Kubernetes validates selector values as label values and answers 400, rather than silently matching nothing.
        Assert.Throws<FormatException>(() => SelectorParser.ParseLabels(selector));
    }

    [Theory]
    [InlineData("metadata.name=web", "metadata.name", false, "web")]
    [InlineData("metadata.name==web", "metadata.name", false, "web")]
    [InlineData("metadata.namespace!=kube-system", "metadata.namespace", true, "kube-system")]
    [InlineData("spec.nodeName=node-1", "spec.nodeName", false, "node-1")]
    [InlineData("status.phase!=Failed", "status.phase", true, "Failed")]
    [InlineData(" status.podIP = 10.0.0.5 ", "status.podIP", false, "10.0.0.5")]
    public void ParseFields_PodSelector_FieldNegationAndValue(string selector, string field, bool negated, string value)
    {
        var requirement = Assert.Single(SelectorParser.ParseFields(selector, AnyField));

        Assert.Equal(new FieldRequirement(field, negated, value), requirement);
    }

    [Fact]
    public void ParseFields_EmptyValue_SelectsUnsetField()
    {
        // The scheduler's and kubectl's "unscheduled pods" query.
        var requirement = Assert.Single(SelectorParser.ParseFields("spec.nodeName=", AnyField));

        Assert.Equal(new FieldRequirement("spec.nodeName", false, ""), requirement);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ParseFields_NoSelector_NoRequirements(string? selector)
    {
        Assert.Empty(SelectorParser.ParseFields(selector, AnyField));
    }

    [Theory]
    [InlineData("metadata.name")]
    [InlineData("=web")]
    [InlineData("metadata.name=web,")]
    [InlineData("metadata.name=web,,status.phase=Running")]
    public void ParseFields_Malformed_FormatException(string selector)
    {
        var error = Assert.Throws<FormatException>(() => SelectorParser.ParseFields(selector, AnyField));

        Assert.Contains(selector, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromLabelSelector_Null_NoRequirements()
    {
        Assert.Empty(SelectorParser.FromLabelSelector(null));
    }

    [Fact]
    public void FromLabelSelector_MatchLabelsAndExpressions_AllRequirements()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["front", "edge"] },
                new LabelSelectorRequirement { Key = "env", Operator = "NotIn", Values = ["test"] },
                new LabelSelectorRequirement { Key = "release", Operator = "Exists" },
                new LabelSelectorRequirement { Key = "canary", Operator = "DoesNotExist" },
            ],
        };

        var requirements = SelectorParser.FromLabelSelector(selector);

        Assert.Equal(
            [("app", LabelOperator.Equals), ("tier", LabelOperator.In), ("env", LabelOperator.NotIn), ("release", LabelOperator.Exists), ("canary", LabelOperator.DoesNotExist)],
            requirements.Select(r => (r.Key, r.Operator)));
        Assert.Equal(["web"], requirements[0].Values);
        Assert.Equal(["front", "edge"], requirements[1].Values);
        Assert.Empty(requirements[3].Values);
    }

    [Fact]
    public void FromLabelSelector_UnknownOperator_FormatExceptionNamingIt()
    {
        var selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "a", Operator = "Equals", Values = ["b"] }] };

        var error = Assert.Throws<FormatException>(() => SelectorParser.FromLabelSelector(selector));

        Assert.Contains("\"Equals\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app=web")]
    [InlineData("app!=web")]
    [InlineData("tier in (a,b)")]
    [InlineData("tier notin (a)")]
    [InlineData("canary")]
    [InlineData("!canary")]
    [InlineData("app=web,tier in (a,b),!canary")]
    public void Format_ParsedSelector_RoundTripsToTheSameText(string selector)
    {
        Assert.Equal(selector, SelectorParser.Format(SelectorParser.ParseLabels(selector)));
    }

    [Fact]
    public void Format_DeploymentSelector_KubectlForm()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["a", "b"] }],
        };

        Assert.Equal("app=web,tier in (a,b)", SelectorParser.Format(SelectorParser.FromLabelSelector(selector)));
    }
}
