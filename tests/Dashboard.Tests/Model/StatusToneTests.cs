using OrleansOrchestrator.Dashboard.Model;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class StatusToneTests
{
    [Theory]
    [InlineData("Running", Tone.Good)]
    [InlineData("Succeeded", Tone.Good)]
    [InlineData("Completed", Tone.Good)]
    [InlineData("Pending", Tone.Working)]
    [InlineData("ContainerCreating", Tone.Working)]
    [InlineData("PodInitializing", Tone.Working)]
    [InlineData("Terminating", Tone.Working)]
    [InlineData("Init:0/2", Tone.Working)]
    [InlineData("Init:ErrImagePull", Tone.Bad)]
    [InlineData("Init:CrashLoopBackOff", Tone.Bad)]
    [InlineData("Unknown", Tone.Warning)]
    [InlineData("CrashLoopBackOff", Tone.Bad)]
    [InlineData("ImagePullBackOff", Tone.Bad)]
    [InlineData("Error", Tone.Bad)]
    [InlineData("OOMKilled", Tone.Bad)]
    [InlineData("Failed", Tone.Bad)]
    public void OfPodStatus_Status_Tone(string status, Tone expected) => Assert.Equal(expected, StatusTone.OfPodStatus(status));

    [Theory]
    [InlineData(WorkloadHealth.Healthy, Tone.Good)]
    [InlineData(WorkloadHealth.Progressing, Tone.Working)]
    [InlineData(WorkloadHealth.Paused, Tone.Warning)]
    [InlineData(WorkloadHealth.Failed, Tone.Bad)]
    public void OfHealth_Health_Tone(WorkloadHealth health, Tone expected) => Assert.Equal(expected, StatusTone.OfHealth(health));

    [Theory]
    [InlineData("Warning", Tone.Warning)]
    [InlineData("Normal", Tone.Neutral)]
    [InlineData(null, Tone.Neutral)]
    public void OfEventType_Type_Tone(string? type, Tone expected) => Assert.Equal(expected, StatusTone.OfEventType(type));
}
