using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

public class StrategicMergePatchTests
{
    private const string LiveDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},
           "annotations":{"deployment.kubernetes.io/revision":"1","kubectl.kubernetes.io/last-applied-configuration":"{\"v\":1}\n"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[
               {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}],
                "env":[{"name":"MODE","value":"prod"},{"name":"X","value":"1"}],
                "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"1"}}},
               {"name":"sidecar","image":"busybox"}],
               "tolerations":[{"key":"a","operator":"Exists"}]}}},
         "status":{"observedGeneration":1,"replicas":2}}
        """;

    private static JsonObject Apply(string target, string patch) =>
        StrategicMergePatch.Apply(TestJson.Node(target), TestJson.Object(patch), KubernetesMergeKeys.Instance);

    private static JsonNode? Containers(JsonNode result) => result["spec"]!["template"]!["spec"]!["containers"];

    [Fact]
    public void Apply_KubectlApplyImageChange_UpdatesOnlyThatContainerAndTheAnnotation()
    {
        // The shape of client-side `kubectl apply` after the image in the manifest changed.
        var result = Apply(LiveDeployment, """
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"v\":2}\n"}},
             "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
               "containers":[{"image":"nginx:1.26","name":"web"}]}}}}
            """);

        var expected = TestJson.Object(LiveDeployment);
        expected["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"] = "{\"v\":2}\n";
        Containers(expected)![0]!["image"] = "nginx:1.26";
        TestJson.AssertEqual(expected.ToJsonString(), result);
    }

    [Fact]
    public void Apply_DeleteDirectiveInEnv_RemovesThatVariable()
    {
        var result = Apply(LiveDeployment, """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],
               "containers":[{"$setElementOrder/env":[{"name":"MODE"}],"env":[{"$patch":"delete","name":"X"}],"name":"web"}]}}}}
            """);

        TestJson.AssertEqual("""[{"name":"MODE","value":"prod"}]""", Containers(result)![0]!["env"]);
    }

    [Fact]
    public void Apply_LabelsPatch_MergesAsMapAndNullRemoves()
    {
        var result = Apply(
            """{"metadata":{"labels":{"app":"web","tier":"front","track":"canary"}}}""",
            """{"metadata":{"labels":{"tier":null,"track":"stable","team":"a"}}}""");

        TestJson.AssertEqual("""{"metadata":{"labels":{"app":"web","track":"stable","team":"a"}}}""", result);
    }

    [Fact]
    public void Apply_NewContainerWithElementOrder_InsertsItWhereTheOrderSays()
    {
        var result = Apply(LiveDeployment, """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"metrics"},{"name":"sidecar"}],
               "containers":[{"name":"metrics","image":"exporter:1","env":[{"name":"A","value":"1","valueFrom":null}]}]}}}}
            """);

        var containers = Containers(result)!.AsArray();
        Assert.Equal(["web", "metrics", "sidecar"], containers.Select(c => (string?)c!["name"]));
        TestJson.AssertEqual("""{"name":"metrics","image":"exporter:1","env":[{"name":"A","value":"1"}]}""", containers[1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_ContainerPorts_MergeByContainerPortInWorkloadTemplateAndPod(bool inWorkloadTemplate)
    {
        string InSpec(string podSpec) =>
            inWorkloadTemplate ? """{"spec":{"template":{"spec":""" + podSpec + "}}}" : """{"spec":""" + podSpec + "}";

        var result = Apply(
            InSpec("""{"containers":[{"name":"web","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":9090}]}]}"""),
            InSpec("""{"containers":[{"name":"web","ports":[{"containerPort":80,"name":"http"}]}]}"""));

        TestJson.AssertEqual(
            InSpec("""{"containers":[{"name":"web","ports":[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":9090}]}]}"""),
            result);
    }

    [Fact]
    public void Apply_ServicePorts_MergeByPort()
    {
        var result = Apply(
            """{"spec":{"ports":[{"port":80,"targetPort":8080,"protocol":"TCP"},{"port":443,"targetPort":8443}]}}""",
            """{"spec":{"$setElementOrder/ports":[{"port":80},{"port":443}],"ports":[{"port":443,"targetPort":9443}]}}""");

        TestJson.AssertEqual(
            """{"spec":{"ports":[{"port":80,"targetPort":8080,"protocol":"TCP"},{"port":443,"targetPort":9443}]}}""",
            result);
    }

    [Fact]
    public void Apply_AtomicList_IsReplacedWhole()
    {
        var result = Apply(LiveDeployment, """{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Equal","value":null}]}}}}""");

        TestJson.AssertEqual("""[{"key":"b","operator":"Equal"}]""", result["spec"]!["template"]!["spec"]!["tolerations"]);
    }

    [Fact]
    public void Apply_ReplaceDirectiveOnMap_ReplacesInsteadOfMerging()
    {
        var result = Apply(LiveDeployment, """
            {"spec":{"template":{"spec":{"containers":[{"name":"web","resources":{"$patch":"replace","limits":{"memory":"1Gi"}}}]}}}}
            """);

        TestJson.AssertEqual("""{"limits":{"memory":"1Gi"}}""", Containers(result)![0]!["resources"]);
    }

    [Fact]
    public void Apply_ReplaceDirectiveInList_ReplacesTheList()
    {
        var result = Apply(LiveDeployment, """
            {"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"app:2","ports":[{"$patch":"delete","containerPort":1}]}]}}}}
            """);

        TestJson.AssertEqual("""[{"name":"only","image":"app:2","ports":[]}]""", Containers(result));
    }

    [Fact]
    public void Apply_DeleteDirectiveOnMap_RemovesTheMember()
    {
        var result = Apply(LiveDeployment, """{"spec":{"strategy":{"$patch":"delete"}}}""");

        Assert.False(result["spec"]!.AsObject().ContainsKey("strategy"));
    }

    [Fact]
    public void Apply_MergeDirectiveOnMap_MergesAsUsual()
    {
        var result = Apply("""{"a":{"b":1,"c":2}}""", """{"a":{"$patch":"merge","c":3}}""");

        TestJson.AssertEqual("""{"a":{"b":1,"c":3}}""", result);
    }

    [Fact]
    public void Apply_RetainKeysOnStrategy_DropsRollingUpdateWhenSwitchingToRecreate()
    {
        // What kubectl apply sends when the manifest switches the Deployment strategy (a retainKeys field).
        var result = Apply(LiveDeployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        TestJson.AssertEqual("""{"type":"Recreate"}""", result["spec"]!["strategy"]);
    }

    [Fact]
    public void Apply_RetainKeysOnVolume_SwitchesTheVolumeSource()
    {
        var result = Apply(
            """{"spec":{"volumes":[{"name":"cfg","emptyDir":{}},{"name":"data","hostPath":{"path":"/d"}}]}}""",
            """{"spec":{"$setElementOrder/volumes":[{"name":"cfg"},{"name":"data"}],"volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"web-config"},"name":"cfg"}]}}""");

        TestJson.AssertEqual(
            """{"spec":{"volumes":[{"name":"cfg","configMap":{"name":"web-config"}},{"name":"data","hostPath":{"path":"/d"}}]}}""",
            result);
    }

    [Fact]
    public void Apply_FieldMissingFromRetainKeys_Throws()
    {
        var error = Assert.Throws<PatchException>(() =>
            Apply(LiveDeployment, """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":{"maxSurge":1}}}}"""));

        Assert.Contains("rollingUpdate", error.Message);
    }

    [Fact]
    public void Apply_DeleteFromPrimitiveList_RemovesFinalizers()
    {
        var result = Apply(
            """{"metadata":{"finalizers":["a.io/x","b.io/y","c.io/z"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b.io/y","not.there/q"]}}""");

        TestJson.AssertEqual("""{"metadata":{"finalizers":["a.io/x","c.io/z"]}}""", result);
    }

    [Theory]
    [InlineData("""{"$setElementOrder/finalizers":["a","b","c"],"finalizers":["c"]}""", """["a","b","c"]""")]
    [InlineData("""{"finalizers":["b","c"]}""", """["a","b","c"]""")]
    // Kubernetes puts new items that the patch does not place ahead of the server-only ones.
    [InlineData("""{"finalizers":["c"]}""", """["c","a","b"]""")]
    public void Apply_Finalizers_MergeAsSetOfScalars(string metadataPatch, string expectedFinalizers)
    {
        var result = Apply("""{"metadata":{"finalizers":["a","b"]}}""", $$"""{"metadata":{{metadataPatch}}}""");

        TestJson.AssertEqual(expectedFinalizers, result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void Apply_StatusPatch_MergesConditionsByTypeAndOwnerReferencesByUid()
    {
        var result = Apply(
            """
            {"metadata":{"ownerReferences":[{"uid":"u1","kind":"ReplicaSet","name":"web-1"}]},
             "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}
            """,
            """
            {"metadata":{"ownerReferences":[{"uid":"u1","controller":true}]},
             "status":{"conditions":[{"type":"Ready","status":"True"}]}}
            """);

        TestJson.AssertEqual("""
            {"metadata":{"ownerReferences":[{"uid":"u1","kind":"ReplicaSet","name":"web-1","controller":true}]},
             "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}}
            """, result);
    }

    // Cases from k8s.io/apimachinery strategicpatch/patch_test.go (named after their descriptions there): the live
    // object, the patch, and the result the API server stores. mergingList merges on "name"; mergingIntList is a set.
    [Theory]
    [InlineData( // set elements order in a list with server-only items
        """{"mergingList":[{"name":1,"other":"a"},{"name":3,"value":3},{"name":4,"value":4},{"name":2,"value":2},{"name":9}]}""",
        """{"$setElementOrder/mergingList":[{"name":4},{"name":2},{"name":3},{"name":1}]}""",
        """{"mergingList":[{"name":4,"value":4},{"name":2,"value":2},{"name":3,"value":3},{"name":1,"other":"a"},{"name":9}]}""")]
    [InlineData( // set elements order in a list with server-only items 2
        """{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2},{"name":9},{"name":3,"value":3},{"name":4,"value":4}]}""",
        """{"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]}""",
        """{"mergingList":[{"name":2,"value":2},{"name":1,"other":"a"},{"name":9},{"name":4,"value":4},{"name":3,"value":3}]}""")]
    [InlineData( // set elements order in a list with server-only items 3
        """{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2},{"name":7},{"name":9},{"name":8},{"name":3,"value":3},{"name":4,"value":4}]}""",
        """{"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]}""",
        """{"mergingList":[{"name":2,"value":2},{"name":1,"other":"a"},{"name":7},{"name":9},{"name":8},{"name":4,"value":4},{"name":3,"value":3}]}""")]
    [InlineData( // add an item in a list and preserve order
        """{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]}""",
        """{"$setElementOrder/mergingList":[{"name":3},{"name":1},{"name":2}],"mergingList":[{"name":3,"value":3}]}""",
        """{"mergingList":[{"name":3,"value":3},{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]}""")]
    [InlineData( // add map to merging list by pointer
        """{"mergingList":[{"name":1,"other":"a"},{"name":3}]}""",
        """{"$setElementOrder/mergingList":[{"name":1},{"name":2}],"mergingList":[{"name":2}]}""",
        """{"mergingList":[{"name":1,"other":"a"},{"name":2},{"name":3}]}""")]
    [InlineData( // behavior of set element order for a merging list with duplicate
        """{"mergingList":[{"name":1},{"name":2,"value":"dup1"},{"name":3},{"name":2,"value":"dup2"},{"name":4}]}""",
        """{"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3},{"name":2}]}""",
        """{"mergingList":[{"name":2,"value":"dup1"},{"name":2,"value":"dup2"},{"name":1},{"name":4},{"name":3}]}""")]
    [InlineData( // set elements order in a int list with server-only items 2
        """{"mergingIntList":[1,2,9,3,4]}""",
        """{"$setElementOrder/mergingIntList":[2,1,4,3]}""",
        """{"mergingIntList":[2,1,9,4,3]}""")]
    [InlineData( // preserve the order from the patch in a merging list
        """{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}""",
        """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"other":"x"}]}""",
        """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"},{"name":2,"value":"b","other":"x"}]}""")]
    [InlineData( // preserve the order from the patch in a merging list 2
        """{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}""",
        """{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}""",
        """{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}""")]
    [InlineData( // unique scalars when merging lists
        """{"mergingIntList":[1,2]}""",
        """{"mergingIntList":[2,3]}""",
        """{"mergingIntList":[1,2,3]}""")]
    [InlineData( // delete all duplicate entries in a merging list
        """{"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},{"name":3},{"name":3}]}""",
        """{"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]}""",
        """{"mergingList":[{"name":2,"value":"a"}]}""")]
    [InlineData( // delete all items from merging list
        """{"mergingList":[{"name":1},{"name":2}]}""",
        """{"mergingList":[{"$patch":"replace"}]}""",
        """{"mergingList":[]}""")]
    [InlineData( // add key and delete all keys from map
        """{"name":1,"value":1}""",
        """{"other":"a","$patch":"replace"}""",
        """{"other":"a"}""")]
    public void Apply_ApimachineryCase_MatchesKubernetesResult(string live, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(TestJson.Node(live), TestJson.Object(patch), new ApimachineryTestKeys());

        TestJson.AssertEqual(expected, result);
    }

    [Fact]
    public void Apply_ListAbsentFromTarget_IsCreatedWithoutDirectivesOrNulls()
    {
        var result = Apply(
            """{"spec":{"containers":[{"name":"web"}]}}""",
            """
            {"spec":{"containers":[{"name":"web","$setElementOrder/env":[{"name":"A"}],
               "env":[{"name":"A","value":"1","valueFrom":null},{"$patch":"delete","name":"B"}]}]}}
            """);

        TestJson.AssertEqual("""{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}]}]}}""", result);
    }

    [Fact]
    public void Apply_ValueOfAnotherType_IsReplaced()
    {
        var result = Apply("""{"a":"text","b":{"c":1},"d":[1]}""", """{"a":{"x":1,"y":null},"b":[2],"d":{"e":2}}""");

        TestJson.AssertEqual("""{"a":{"x":1},"b":[2],"d":{"e":2}}""", result);
    }

    [Theory]
    [InlineData("""{"spec":{"containers":[{"image":"no-name"}]}}""", "merge key \"name\"")]
    [InlineData("""{"spec":{"containers":["web"]}}""", "must be objects")]
    [InlineData("""{"metadata":{"finalizers":[{"a":1}]}}""", "set of scalars")]
    [InlineData("""{"spec":{"$foo":1}}""", "unknown strategic merge patch directive \"$foo\"")]
    [InlineData("""{"spec":{"$patch":"purge"}}""", "unknown $patch value")]
    [InlineData("""{"spec":{"containers":[{"$patch":"merge","name":"web"}]}}""", "not supported on list items")]
    [InlineData("""{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}}""", "do not follow")]
    [InlineData("""{"spec":{"$setElementOrder/containers":{"name":"a"}}}""", "must be a list")]
    [InlineData("""{"spec":{"$setElementOrder/":[]}}""", "does not name a list")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}""", "must be a list")]
    [InlineData("""{"spec":{"$retainKeys":"type"}}""", "list of field names")]
    public void Apply_MalformedPatch_ThrowsPatchException(string patch, string expectedMessagePart)
    {
        var error = Assert.Throws<PatchException>(() =>
            Apply("""{"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", patch));

        Assert.Contains(expectedMessagePart, error.Message);
    }

    [Fact]
    public void Apply_TargetThatIsNotAnObject_Throws()
    {
        Assert.Throws<PatchException>(() =>
            StrategicMergePatch.Apply(TestJson.Node("[1]"), TestJson.Object("{}"), KubernetesMergeKeys.Instance));
    }

    [Fact]
    public void Apply_Always_LeavesInputsUnchanged()
    {
        var target = TestJson.Node(LiveDeployment);
        const string patchJson = """
            {"metadata":{"labels":{"app":null}},
             "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},
               "template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"}],
                 "containers":[{"name":"web","env":[{"$patch":"delete","name":"X"}],"ports":[{"containerPort":81}]}]}}}}
            """;
        var patch = TestJson.Object(patchJson);

        var result = StrategicMergePatch.Apply(target, patch, KubernetesMergeKeys.Instance);

        TestJson.AssertEqual(LiveDeployment, target);
        TestJson.AssertEqual(patchJson, patch);
        Assert.Equal(["sidecar", "web"], Containers(result)!.AsArray().Select(c => (string?)c!["name"]));
    }

    /// <summary>The merging lists of apimachinery's test struct: mergingList (merge key "name") and mergingIntList.</summary>
    private sealed class ApimachineryTestKeys : IMergeKeys
    {
        public string? MergeStrategyFor(IReadOnlyList<string> listPath) => listPath[^1] switch
        {
            "mergingList" => "name",
            "mergingIntList" => IMergeKeys.PrimitiveMerge,
            _ => null,
        };
    }
}
