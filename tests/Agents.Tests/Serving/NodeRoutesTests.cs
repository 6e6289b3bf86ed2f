using OrleansOrchestrator.Agents.Serving;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Agents.Tests.Serving;

public sealed class NodeRoutesTests
{
    [Fact]
    public void The_contracts_exec_path_reads_back_as_the_same_request()
    {
        var request = new ExecRequest("web", ["sh", "-c", "echo a+b & echo 'ü'; exit 3"], Stdin: true, Stdout: true, Stderr: true, Tty: false);

        var route = Assert.IsType<ContainerStreamRoute>(NodeRoutes.Parse(AgentStreamPaths.Exec("node-1", "uid-1", request)));

        Assert.False(route.Attach);
        Assert.Equal(("node-1", "uid-1"), (route.Node, route.PodUid));
        Assert.Equal(request.Command, route.Request.Command);
        Assert.Equal(request with { Command = route.Request.Command }, route.Request);
    }

    [Fact]
    public void Attach_and_port_forward_paths_read_back()
    {
        var attach = Assert.IsType<ContainerStreamRoute>(NodeRoutes.Parse(AgentStreamPaths.Attach("n", "u", new ExecRequest("app", [], true, true, false, true))));
        Assert.True(attach.Attach);
        Assert.Equal("attach", attach.Verb);
        Assert.Empty(attach.Request.Command);
        Assert.True(attach.Request.Tty);

        var forward = Assert.IsType<PortForwardRoute>(NodeRoutes.Parse(AgentStreamPaths.PortForward("n", "u", 8080)));
        Assert.Equal(8080, forward.Port);
    }

    [Fact]
    public void With_a_terminal_there_is_no_stderr_as_on_a_kubelet()
    {
        var route = (ContainerStreamRoute)NodeRoutes.Parse("/exec/n/u/c?command=sh&stdout=1&stderr=true&tty=true");
        Assert.True(route.Request.Stdout);
        Assert.False(route.Request.Stderr);
    }

    [Fact]
    public void Container_logs_keep_their_parameters()
    {
        var route = Assert.IsType<ContainerLogsRoute>(NodeRoutes.Parse("/containerLogs/n/u/web?follow=true&tailLines=20&previous=false"));
        Assert.Equal(new ContainerLogsRoute("n", "u", "web", Follow: true, TailLines: 20, Previous: false), route);
    }

    [Theory]
    [InlineData("/exec/n/u/c?stdout=true", 400, "you must specify at least one command")]
    [InlineData("/exec/n/u/c?command=ls", 400, "you must specify at least one of stdin, stdout, stderr")]
    [InlineData("/portForward/n/u", 400, "a port is required")]
    [InlineData("/portForward/n/u?port=0", 400, "invalid port \"0\"")]
    [InlineData("/portForward/n/u?port=65536", 400, "invalid port \"65536\"")]
    [InlineData("/portForward/n/u?port=-1", 400, "invalid port")]
    [InlineData("/containerLogs/n/u/c?tailLines=x", 400, "invalid tailLines")]
    [InlineData("/exec/n/u", 404, "no such endpoint")]
    [InlineData("/exec/n//c?command=ls&stdout=1", 404, "no such endpoint")]
    [InlineData("/metrics", 404, "no such endpoint")]
    [InlineData("/exec/n/u/c/extra?command=ls&stdout=1", 404, "no such endpoint")]
    public void Bad_requests_get_a_status_and_a_message(string url, int status, string message)
    {
        var refusal = Assert.Throws<NodeRouteException>(() => NodeRoutes.Parse(url));
        Assert.Equal(status, refusal.StatusCode);
        Assert.Contains(message, refusal.Message);
    }

    [Fact]
    public void Sizes_are_bounded()
    {
        Assert.Equal(414, Assert.Throws<NodeRouteException>(() => NodeRoutes.Parse("/exec/n/u/c?command=" + new string('a', NodeRoutes.MaxUrlLength))).StatusCode);
        var manyArguments = "/exec/n/u/c?stdout=1" + string.Concat(Enumerable.Repeat("&command=x", NodeRoutes.MaxCommandParts + 20));
        Assert.Equal(400, Assert.Throws<NodeRouteException>(() => NodeRoutes.Parse(manyArguments)).StatusCode);
        Assert.Equal(404, Assert.Throws<NodeRouteException>(() => NodeRoutes.Parse($"/exec/n/{new string('u', 300)}/c?command=ls&stdout=1")).StatusCode);
    }

    [Fact]
    public void Random_and_mutated_urls_never_throw_anything_but_a_refusal()
    {
        var random = new Random(4711);
        string[] seeds =
        [
            AgentStreamPaths.Exec("node", "0b6c", new ExecRequest("web", ["sh", "-c", "ls %"], true, true, true, false)),
            AgentStreamPaths.PortForward("node", "0b6c", 8080),
            "/containerLogs/node/0b6c/web?follow=true&tailLines=10",
        ];
        const string alphabet = "/?&=%+abc019-_.~\0ü\u2028 %zz%4";
        for (var i = 0; i < 20_000; i++)
        {
            var url = seeds[random.Next(seeds.Length)].ToCharArray().ToList();
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                var at = random.Next(url.Count + 1);
                switch (random.Next(3))
                {
                    case 0: url.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    case 1 when at < url.Count: url.RemoveAt(at); break;
                    default: if (at < url.Count) url[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            try
            {
                NodeRoutes.Parse(new string(url.ToArray()));
            }
            catch (NodeRouteException e)
            {
                Assert.InRange(e.StatusCode, 400, 499);
            }
        }
    }
}
