using System.Xml.Linq;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.OpenApi;

namespace OrleansOrchestrator.Silo.Tests.Api.OpenApi;

public sealed class ModelDocumentationTests
{
    [Fact]
    public void Load_ContractsAssembly_ReadsTheDeployedDocumentation()
    {
        var documentation = ModelDocumentation.Load(typeof(KubeObject).Assembly);

        Assert.StartsWith("A group of containers", documentation.Of(typeof(Pod)));
        Assert.StartsWith("The container image to run", documentation.Of(typeof(Container).GetProperty(nameof(Container.Image))!, "image"));
    }

    [Fact]
    public void Of_SummaryWithMarkupAndLineBreaks_IsOneLineOfPlainText()
    {
        var documentation = ModelDocumentation.Parse(XDocument.Parse($"""
            <doc><members>
              <member name="T:{typeof(Secret).FullName}">
                <summary>
                  Values as <c>text</c>, merged into <see cref="P:{typeof(Secret).FullName}.Data"/>
                  when <see langword="true"/>; see <see cref="T:{typeof(ConfigMap).FullName}"/>.
                </summary>
                <remarks>For developers only.</remarks>
              </member>
            </members></doc>
            """));

        Assert.Equal("Values as text, merged into data when true; see ConfigMap.", documentation.Of(typeof(Secret)));
    }

    [Fact]
    public void Of_UndocumentedProperty_IsANeutralSentenceFromItsWireName()
    {
        var property = typeof(ContainerPort).GetProperty(nameof(ContainerPort.Number))!;

        Assert.Equal("Container port.", ModelDocumentation.Empty.Of(property, "containerPort"));
        Assert.Null(ModelDocumentation.Empty.Of(typeof(Pod)));
    }
}
