namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>The namespace the user picked in the app bar (null: all of the tenant's namespaces); pages filter by it.</summary>
public sealed class NamespaceSelection
{
    public string? Selected { get; private set; }

    public event Action? Changed;

    public void Select(string? ns)
    {
        if (ns == Selected) return;
        Selected = string.IsNullOrEmpty(ns) ? null : ns;
        Changed?.Invoke();
    }

    public bool Includes(string? ns) => Selected is null || ns == Selected;
}
