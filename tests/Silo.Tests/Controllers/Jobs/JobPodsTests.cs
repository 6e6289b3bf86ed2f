using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Jobs;
using static OrleansOrchestrator.Silo.Tests.Controllers.Jobs.JobSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Jobs;

public sealed class JobPodsTests
{
    [Theory]
    [InlineData(new[] { 0, 1, 2, 4 }, "0-2,4")]
    [InlineData(new[] { 1, 2 }, "1,2")]
    [InlineData(new[] { 0, 1, 2, 3, 4 }, "0-4")]
    [InlineData(new[] { 3, 5, 6, 7, 9 }, "3,5-7,9")]
    [InlineData(new int[0], "")]
    public void CompletedIndexes_AreWrittenAsKubernetesWritesThem(int[] indexes, string text)
    {
        Assert.Equal(text, CompletionIndexes.Empty.With(indexes).ToString());
        Assert.Equal(indexes, CompletionIndexes.Parse(text, 100).All);
    }

    [Fact]
    public void CompletedIndexes_OutOfRangeOrUnreadableAreDropped() =>
        Assert.Equal(new[] { 0, 1, 2, 4, 7 }, CompletionIndexes.Parse("0-2,4,x,7-9", 8).All);

    [Fact]
    public void IndexedPod_CarriesItsIndex_Hostname_EnvAndTheTrackingFinalizer()
    {
        var pod = JobPods.New(Job(mode: "Indexed", completions: 5), 3);
        Assert.Matches("^pi-3-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Metadata.Name);
        Assert.Equal("3", pod.Metadata.Annotations![JobPods.CompletionIndexAnnotation]);
        Assert.Equal("3", pod.Metadata.Labels![JobPods.CompletionIndexAnnotation]);
        Assert.Equal("pi", pod.Metadata.Labels!["batch.kubernetes.io/job-name"]);
        Assert.Equal("pi-3", pod.Spec.Hostname);
        var env = Assert.Single(pod.Spec.Containers[0].Env!);
        Assert.Equal(("JOB_COMPLETION_INDEX", "metadata.annotations['batch.kubernetes.io/job-completion-index']"), (env.Name, env.ValueFrom!.FieldRef!.FieldPath));
        Assert.Equal(new[] { JobPods.TrackingFinalizer }, pod.Metadata.Finalizers);
        var owner = Assert.Single(pod.Metadata.OwnerReferences!);
        Assert.Equal(("Job", "pi", true), (owner.Kind, owner.Name, owner.Controller));
    }

    [Fact]
    public void NonIndexedPod_IsNamedAfterTheJob_AndLongNamesAreCut()
    {
        Assert.Matches("^pi-[a-z0-9]{5}$", JobPods.New(Job(), null).Metadata.Name);
        var longJob = Job() with { Metadata = Job().Metadata with { Name = new string('a', 62) } };
        Assert.Equal(63, JobPods.New(longJob, null).Metadata.Name!.Length);
        var indexed = JobPods.New(longJob with { Spec = longJob.Spec with { CompletionMode = "Indexed" } }, 12);
        Assert.Equal(63, indexed.Metadata.Name!.Length);
        Assert.StartsWith(new string('a', 54) + "-12-", indexed.Metadata.Name);
        Assert.Null(JobPods.New(longJob, null).Spec.Hostname);
    }
}
