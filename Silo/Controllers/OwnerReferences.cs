using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>Owner references as controllers set and read them.</summary>
public static class OwnerReferences
{
    public static OwnerReference ControllerRef(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion ?? ResourceKinds.Of(owner).ApiVersion,
        Kind = owner.Kind ?? ResourceKinds.Of(owner).Kind,
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    public static bool IsControlledBy(KubeObject obj, KubeObject owner) =>
        ChangeRouter.ControllerOf(obj)?.Uid == owner.Metadata.Uid;

    public static T WithControllerRef<T>(T obj, KubeObject owner) where T : KubeObject =>
        obj with { Metadata = obj.Metadata with { OwnerReferences = [.. obj.Metadata.OwnerReferences ?? [], ControllerRef(owner)] } };

    public static T WithoutOwner<T>(T obj, string ownerUid) where T : KubeObject =>
        obj with { Metadata = obj.Metadata with { OwnerReferences = obj.Metadata.OwnerReferences?.Where(o => o.Uid != ownerUid).ToList() is { Count: > 0 } rest ? rest : null } };
}
