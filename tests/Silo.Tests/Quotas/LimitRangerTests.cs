using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds.LimitRanges;
using OrleansOrchestrator.Silo.Quotas;

namespace OrleansOrchestrator.Silo.Tests.Quotas;

public sealed class LimitRangerTests
{
    private static LimitRange Range(params LimitRangeItem[] items) => new()
    {
        Metadata = new ObjectMeta { Name = "bounds", Namespace = "default" },
        Spec = new LimitRangeSpec { Limits = items },
    };

    private static Dictionary<string, string> R(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    private static Pod Pod(ResourceRequirements? resources = null) =>
        Samples.Pod("web-1", Samples.PodSpec(Samples.Container("web") with { Resources = resources }));

    [Fact]
    public void AContainerWithoutResources_GetsTheDefaults_AndTheAnnotationSaysSo()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Default = R(("cpu", "500m"), ("memory", "256Mi")), DefaultRequest = R(("cpu", "250m")) });

        var pod = LimitRanger.ApplyDefaults(Pod(), [range]);

        var resources = pod.Spec.Containers[0].Resources!;
        Assert.Equal(R(("cpu", "500m"), ("memory", "256Mi")), resources.Limits);
        // No defaultRequest for memory: the request defaults to the default limit, as Kubernetes defaults the item.
        Assert.Equal(R(("cpu", "250m"), ("memory", "256Mi")), resources.Requests);
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web", pod.Metadata.Annotations![LimitRanger.Annotation]);
    }

    [Fact]
    public void WhatTheContainerStates_IsKept_AndALimitAloneIsAlsoItsRequest()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Default = R(("cpu", "500m")), DefaultRequest = R(("cpu", "250m")) });

        var pod = LimitRanger.ApplyDefaults(Pod(new ResourceRequirements { Limits = R(("cpu", "2")) }), [range]);

        Assert.Equal("2", pod.Spec.Containers[0].Resources!.Requests!["cpu"]);
        Assert.Equal("2", pod.Spec.Containers[0].Resources!.Limits!["cpu"]);
    }

    [Fact]
    public void WithoutContainerItems_ThePodIsUnchanged()
    {
        var pod = Pod();
        Assert.Same(pod, LimitRanger.ApplyDefaults(pod, [Range(new LimitRangeItem { Type = "Pod", Max = R(("cpu", "1")) })]));
    }

    [Fact]
    public void AContainerOverTheMax_IsRefusedWithKubernetesMessage()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Max = R(("cpu", "1")) });

        Assert.Equal(["maximum cpu usage per Container is 1, but limit is 2"],
            LimitRanger.Violations(Pod(new ResourceRequirements { Limits = R(("cpu", "2")) }), [range]));
        Assert.Equal(["maximum cpu usage per Container is 1.  No limit is specified"], LimitRanger.Violations(Pod(), [range]));
    }

    [Fact]
    public void UnderTheMin_AndOverTheRatio_AreRefused()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Min = R(("memory", "64Mi")), MaxLimitRequestRatio = R(("cpu", "2")) });
        var pod = Pod(new ResourceRequirements { Requests = R(("cpu", "100m"), ("memory", "32Mi")), Limits = R(("cpu", "500m")) });

        var problems = LimitRanger.Violations(pod, [range]);

        Assert.Equal(["minimum memory usage per Container is 64Mi, but request is 32Mi", "cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000"], problems);
        Assert.Equal("[minimum memory usage per Container is 64Mi, but request is 32Mi, cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000]", LimitRanger.Aggregate(problems));
    }

    [Fact]
    public void PodItems_BoundTheSumOfTheContainers()
    {
        var range = Range(new LimitRangeItem { Type = "Pod", Max = R(("memory", "1Gi")) });
        var sized = Samples.Container("a") with { Resources = new ResourceRequirements { Limits = R(("memory", "768Mi")) } };
        var pod = Samples.Pod("two", Samples.PodSpec(sized, sized with { Name = "b" }));

        Assert.Equal(["maximum memory usage per Pod is 1Gi, but limit is 1536Mi"], LimitRanger.Violations(pod, [range]));
    }

    [Fact]
    public void DefaultsApplied_ThenChecked_PassTheBounds()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Max = R(("cpu", "1")), Min = R(("cpu", "100m")) });
        // Kubernetes' item defaults: the default limit is the max, the default request the default limit.
        var defaulted = (LimitRange)LimitRangeStrategy.Strategy.Default(range);

        var pod = LimitRanger.ApplyDefaults(Pod(), [defaulted]);

        Assert.Equal("1", pod.Spec.Containers[0].Resources!.Limits!["cpu"]);
        Assert.Equal("1", pod.Spec.Containers[0].Resources!.Requests!["cpu"]);
        Assert.Empty(LimitRanger.Violations(pod, [defaulted]));
    }

    [Fact]
    public void ARatioBeyondWhatADecimalHolds_IsAViolation_NotThrown()
    {
        var range = new LimitRange
        {
            Metadata = new ObjectMeta { Name = "ratio", Namespace = "default" },
            Spec = new LimitRangeSpec { Limits = [new LimitRangeItem { Type = "Container", MaxLimitRequestRatio = R(("cpu", "2")) }] },
        };
        var resources = new ResourceRequirements { Requests = R(("cpu", "1n")), Limits = R(("cpu", "79000000000E")) };
        var pod = Samples.Pod(spec: Samples.PodSpec(Samples.Container() with { Resources = resources }));

        Assert.StartsWith("cpu max limit to request ratio per Container is 2, but provided ratio is ", Assert.Single(LimitRanger.Violations(pod, [range])));
    }

    [Fact]
    public void Validation_RefusesBoundsThatContradictEachOther()
    {
        var errors = new List<FieldCause>();
        LimitRangeStrategy.Validate(new LimitRangeSpec
        {
            Limits =
            [
                new LimitRangeItem { Type = "Container", Min = R(("cpu", "2")), Max = R(("cpu", "1")) },
                new LimitRangeItem { Type = "Pod", Default = R(("cpu", "1")) },
                new LimitRangeItem { Type = "Volume" },
            ],
        }, errors);

        Assert.Contains(errors, e => e.Field == "spec.limits[0].min[cpu]" && e.Message == "Invalid value: \"2\": min value 2 is greater than max value 1");
        Assert.Contains(errors, e => e.Field == "spec.limits[1].default" && e.Message == "Forbidden: may not be specified when `type` is 'Pod'");
        Assert.Contains(errors, e => e.Field == "spec.limits[2].type" && e.Reason == "FieldValueNotSupported");
    }
}
