using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// Kubernetes strategic merge patch, the body of <c>application/strategic-merge-patch+json</c> that
/// client-side <c>kubectl apply</c> sends. Like a JSON merge patch, except that lists merge item by item
/// (matched on a merge key, see <see cref="IMergeKeys"/>) and the patch may carry directives:
/// <list type="bullet">
/// <item><c>"$patch": "replace" | "merge" | "delete"</c> in a map; <c>"replace"</c> or <c>"delete"</c> (with the merge key) as a list item;</item>
/// <item><c>"$setElementOrder/&lt;list&gt;"</c>: the order of a merging list's items after the merge;</item>
/// <item><c>"$deleteFromPrimitiveList/&lt;list&gt;"</c>: scalars to remove from a list;</item>
/// <item><c>"$retainKeys"</c>: the only members the map keeps.</item>
/// </list>
/// Follows k8s.io/apimachinery <c>strategicpatch.StrategicMergeMapPatch</c> as the API server calls it.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirectiveKey = "$patch";
    private const string RetainKeysDirectiveKey = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>
    /// Returns <paramref name="target"/> (an object, or null for none) with <paramref name="patch"/> applied.
    /// Neither argument is modified.
    /// </summary>
    public static JsonObject Apply(JsonNode? target, JsonObject patch, IMergeKeys keys)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(keys);
        if (target is not (null or JsonObject))
        {
            throw new PatchException("a strategic merge patch applies to a JSON object");
        }

        var working = (JsonObject?)target?.DeepClone() ?? new JsonObject();

        // "$patch": "delete" at the top level leaves an empty object, as in Kubernetes.
        return new Merger(keys).MergeObject(working, patch, []) ?? new JsonObject();
    }

    private enum PatchDirective
    {
        None,
        Merge,
        Replace,
        Delete,
    }

    /// <summary>
    /// Does the merging. It works on a private copy of the target, which it changes in place; the patch is
    /// only read, and whatever is taken from it is cloned.
    /// </summary>
    private sealed class Merger(IMergeKeys keys)
    {
        /// <summary>Merges <paramref name="patch"/> into <paramref name="owned"/>; returns the resulting map, or null when the map is deleted.</summary>
        public JsonObject? MergeObject(JsonObject owned, JsonObject patch, string[] path)
        {
            switch (ReadPatchDirective(patch, path))
            {
                case PatchDirective.Delete:
                    // Kubernetes leaves {} here when the map existed, and nothing when it did not; we always remove
                    // the member, which is what the directive documents ("delete the map").
                    return null;
                case PatchDirective.Replace:
                {
                    var replacement = new JsonObject();
                    MergeMembers(replacement, patch, path);
                    return replacement;
                }
                default:
                    MergeMembers(owned, patch, path);
                    return owned;
            }
        }

        // The steps follow apimachinery's mergeMap: $retainKeys clears the live map before anything merges into it,
        // and lists with a $setElementOrder are merged and ordered before the plain members. Deletions from
        // primitive lists come first here; kubectl never adds and deletes one value in one patch, so that is safe.
        private void MergeMembers(JsonObject owned, JsonObject patch, string[] path)
        {
            RejectUnknownDirectives(patch, path);
            ApplyRetainKeys(owned, patch, path);

            foreach (var (key, value) in patch)
            {
                if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
                {
                    DeleteFromPrimitiveList(owned, ListName(key, DeleteFromPrimitiveListPrefix, path), value, path);
                }
            }

            var orderedLists = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in patch)
            {
                if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                {
                    var listName = ListName(key, SetElementOrderPrefix, path);
                    if (MergeListInElementOrder(owned, listName, value, patch, path))
                    {
                        orderedLists.Add(listName);
                    }
                }
            }

            foreach (var (key, value) in patch)
            {
                if (key.StartsWith('$') || orderedLists.Contains(key))
                {
                    continue;
                }

                if (value is null)
                {
                    owned.Remove(key);
                }
                else
                {
                    MergeMember(owned, key, value, path);
                }
            }
        }

        private void MergeMember(JsonObject owned, string key, JsonNode patchValue, string[] path)
        {
            owned.TryGetPropertyValue(key, out var current);
            string[] memberPath = [.. path, key];

            // A value of another type than the patch's is replaced: merged into nothing, so that directives
            // are still honoured and stripped.
            var merged = patchValue switch
            {
                JsonObject patchObject => MergeObject(current as JsonObject ?? new JsonObject(), patchObject, memberPath),
                JsonArray patchList => new JsonArray([.. MergeList(current as JsonArray, patchList, memberPath)]),
                _ => patchValue.DeepClone(),
            };

            if (merged is null)
            {
                owned.Remove(key);
            }
            else if (!ReferenceEquals(merged, current))
            {
                owned[key] = merged;
            }
        }

        /// <summary>The merged items of a list, detached from any parent and in Kubernetes' order.</summary>
        private List<JsonNode?> MergeList(JsonArray? current, JsonArray patch, string[] path)
        {
            var strategy = keys.MergeStrategyFor(path);
            if (strategy is null)
            {
                // Atomic: the patch's list wins. Kubernetes decodes it into typed structs, where a null member
                // is just absent, so nulls are dropped here as well.
                return [.. patch.Select(CloneWithoutNullMembers)];
            }

            var live = Detach(current);
            return strategy == IMergeKeys.PrimitiveMerge
                ? MergePrimitiveItems(live, patch, path)
                : MergeKeyedItems(live, patch, strategy, path);
        }

        private static List<JsonNode?> MergePrimitiveItems(List<JsonNode?> live, JsonArray patch, string[] path)
        {
            foreach (var item in patch)
            {
                RequireScalar(item, path);
            }

            var merged = new List<JsonNode?>(live.Count + patch.Count);
            foreach (var item in live.Concat(patch.Select(item => item!.DeepClone())))
            {
                if (!merged.Any(existing => JsonNode.DeepEquals(existing, item)))
                {
                    merged.Add(item);
                }
            }

            return OrderLikeKubernetes(merged, [.. patch], [.. live], Itself);
        }

        private List<JsonNode?> MergeKeyedItems(List<JsonNode?> live, JsonArray patch, string mergeKey, string[] path)
        {
            JsonNode? Identify(JsonNode? item) => MergeKeyOf(item, mergeKey);

            var liveKeys = live.Select(Identify).ToList();
            var merged = new List<JsonNode?>(live);
            var patchItems = new List<JsonObject>();
            var replaceWholeList = false;
            foreach (var item in patch)
            {
                if (item is not JsonObject patchItem)
                {
                    throw new PatchException($"list {Describe(path)} merges on \"{mergeKey}\", so its items must be objects");
                }

                switch (ReadPatchDirective(patchItem, path))
                {
                    case PatchDirective.Delete:
                    {
                        var deletedKey = RequireMergeKey(patchItem, mergeKey, path);
                        merged.RemoveAll(existing => JsonNode.DeepEquals(Identify(existing), deletedKey));
                        break;
                    }
                    case PatchDirective.Replace:
                        // Kept looking, so that the other directive items are still dropped.
                        replaceWholeList = true;
                        break;
                    case PatchDirective.Merge:
                        throw new PatchException($"list {Describe(path)}: \"$patch\": \"merge\" is not supported on list items");
                    default:
                        RequireMergeKey(patchItem, mergeKey, path);
                        patchItems.Add(patchItem);
                        break;
                }
            }

            if (replaceWholeList)
            {
                return [.. patchItems.Select(item => NewObjectFrom(item, path))];
            }

            foreach (var patchItem in patchItems)
            {
                var index = merged.FindIndex(existing => JsonNode.DeepEquals(Identify(existing), patchItem[mergeKey]));
                if (index >= 0)
                {
                    MergeMembers((JsonObject)merged[index]!, patchItem, path);
                }
                else
                {
                    merged.Add(NewObjectFrom(patchItem, path));
                }
            }

            return OrderLikeKubernetes(merged, [.. patchItems.Select(Identify)], liveKeys, Identify);
        }

        /// <summary>
        /// Merges the list <paramref name="listName"/> (when the patch has it) and puts its items in the order of its
        /// <c>$setElementOrder</c> list. Returns false when that is left to the ordinary merge.
        /// </summary>
        private bool MergeListInElementOrder(JsonObject owned, string listName, JsonNode? orderNode, JsonObject patch, string[] path)
        {
            string[] listPath = [.. path, listName];
            if (orderNode is not JsonArray order)
            {
                throw new PatchException($"{SetElementOrderPrefix}{listName} at {Describe(path)} must be a list");
            }

            var strategy = keys.MergeStrategyFor(listPath);
            patch.TryGetPropertyValue(listName, out var patchValue);
            if (patchValue is not (null or JsonArray))
            {
                throw new PatchException($"list {Describe(listPath)} has a {SetElementOrderPrefix} directive but the patch sets it to a non-list");
            }

            // kubectl only sends an order for merging lists; an atomic list is replaced in the patch's own order,
            // and a null deletes the list, so neither has anything to reorder.
            var patchList = patchValue as JsonArray;
            if (strategy is null || (patchList is null && patch.ContainsKey(listName)))
            {
                return false;
            }

            Func<JsonNode?, JsonNode?> identify = strategy == IMergeKeys.PrimitiveMerge
                ? Itself
                : item => MergeKeyOf(item, strategy);
            var orderKeys = order.Select(item => OrderKeyOf(item, strategy, listPath)).ToList();
            if (patchList is not null)
            {
                RequirePatchFollowsOrder(patchList, orderKeys, identify, listPath);
            }

            owned.TryGetPropertyValue(listName, out var currentValue);
            var current = currentValue as JsonArray;
            if (current is null && patchList is null)
            {
                return false;
            }

            var liveKeys = current?.Select(identify).ToList() ?? [];
            var merged = patchList is null ? Detach(current) : MergeList(current, patchList, listPath);
            owned[listName] = new JsonArray([.. OrderLikeKubernetes(merged, orderKeys, liveKeys, identify)]);
            return true;
        }

        private JsonObject NewObjectFrom(JsonObject patch, string[] path)
        {
            var created = new JsonObject();
            MergeMembers(created, patch, path);
            return created;
        }
    }

    /// <summary>
    /// Kubernetes' normalizeElementOrder: the items named in <paramref name="orderKeys"/> come in that order; the
    /// others (server-only items) keep their live order and slot back in just after the live item they followed,
    /// as far as the live list says. Items the live list does not know come as early as the order allows.
    /// </summary>
    private static List<JsonNode?> OrderLikeKubernetes(
        List<JsonNode?> items,
        IReadOnlyList<JsonNode?> orderKeys,
        IReadOnlyList<JsonNode?> liveKeys,
        Func<JsonNode?, JsonNode?> identify)
    {
        int PositionIn(IReadOnlyList<JsonNode?> keyList, JsonNode? item)
        {
            var key = identify(item);
            if (key is null)
            {
                return -1;
            }

            for (var i = 0; i < keyList.Count; i++)
            {
                if (JsonNode.DeepEquals(keyList[i], key))
                {
                    return i;
                }
            }

            return -1;
        }

        static int UnknownLast(int position) => position < 0 ? int.MaxValue : position;

        var ordered = items
            .Where(item => PositionIn(orderKeys, item) >= 0)
            .OrderBy(item => PositionIn(orderKeys, item))
            .ToList();
        var serverOnly = items
            .Where(item => PositionIn(orderKeys, item) < 0)
            .OrderBy(item => UnknownLast(PositionIn(liveKeys, item)))
            .ToList();

        var result = new List<JsonNode?>(items.Count);
        int nextServerOnly = 0, nextOrdered = 0;
        while (nextServerOnly < serverOnly.Count && nextOrdered < ordered.Count)
        {
            var serverOnlyLive = PositionIn(liveKeys, serverOnly[nextServerOnly]);
            var orderedLive = PositionIn(liveKeys, ordered[nextOrdered]);
            var serverOnlyFirst = serverOnlyLive >= 0 && orderedLive >= 0 && serverOnlyLive < orderedLive;
            result.Add(serverOnlyFirst ? serverOnly[nextServerOnly++] : ordered[nextOrdered++]);
        }

        result.AddRange(serverOnly.Skip(nextServerOnly));
        result.AddRange(ordered.Skip(nextOrdered));
        return result;
    }

    /// <summary>The patch's own items must appear in the <c>$setElementOrder</c> list, in the same relative order.</summary>
    private static void RequirePatchFollowsOrder(
        JsonArray patchList,
        IReadOnlyList<JsonNode?> orderKeys,
        Func<JsonNode?, JsonNode?> identify,
        string[] listPath)
    {
        var position = 0;
        foreach (var item in patchList)
        {
            if (item is JsonObject directiveItem && directiveItem.ContainsKey(PatchDirectiveKey))
            {
                continue;
            }

            var key = identify(item);
            while (position < orderKeys.Count && !JsonNode.DeepEquals(orderKeys[position], key))
            {
                position++;
            }

            if (position == orderKeys.Count)
            {
                throw new PatchException(
                    $"the items of list {Describe(listPath)} in the patch do not follow its {SetElementOrderPrefix} list");
            }

            position++;
        }
    }

    private static void ApplyRetainKeys(JsonObject owned, JsonObject patch, string[] path)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirectiveKey, out var retainNode))
        {
            return;
        }

        if (retainNode is not JsonArray retainList || retainList.Any(name => name is not JsonValue value || !value.TryGetValue<string>(out _)))
        {
            throw new PatchException($"{RetainKeysDirectiveKey} at {Describe(path)} must be a list of field names");
        }

        var retained = retainList.Select(name => name!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is not null && !key.StartsWith('$') && !retained.Contains(key))
            {
                throw new PatchException($"field \"{key}\" at {Describe(path)} is patched but missing from {RetainKeysDirectiveKey}");
            }
        }

        foreach (var key in owned.Select(member => member.Key).Where(key => !retained.Contains(key)).ToList())
        {
            owned.Remove(key);
        }
    }

    private static void DeleteFromPrimitiveList(JsonObject owned, string listName, JsonNode? valuesNode, string[] path)
    {
        if (valuesNode is not JsonArray values)
        {
            throw new PatchException($"{DeleteFromPrimitiveListPrefix}{listName} at {Describe(path)} must be a list");
        }

        if (owned[listName] is not JsonArray list)
        {
            return;
        }

        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (values.Any(value => JsonNode.DeepEquals(value, list[i])))
            {
                list.RemoveAt(i);
            }
        }
    }

    private static void RejectUnknownDirectives(JsonObject patch, string[] path)
    {
        foreach (var (key, _) in patch)
        {
            var known = !key.StartsWith('$')
                || key is PatchDirectiveKey or RetainKeysDirectiveKey
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);
            if (!known)
            {
                throw new PatchException($"unknown strategic merge patch directive \"{key}\" at {Describe(path)}");
            }
        }
    }

    private static PatchDirective ReadPatchDirective(JsonObject patch, string[] path)
    {
        if (!patch.TryGetPropertyValue(PatchDirectiveKey, out var value))
        {
            return PatchDirective.None;
        }

        var directive = value is JsonValue text && text.TryGetValue<string>(out var name) ? name : null;
        return directive switch
        {
            "merge" => PatchDirective.Merge,
            "replace" => PatchDirective.Replace,
            "delete" => PatchDirective.Delete,
            _ => throw new PatchException(
                $"unknown {PatchDirectiveKey} value {value?.ToJsonString() ?? "null"} at {Describe(path)}"),
        };
    }

    private static string ListName(string directiveKey, string prefix, string[] path)
    {
        var name = directiveKey[prefix.Length..];
        return name.Length > 0
            ? name
            : throw new PatchException($"directive \"{directiveKey}\" at {Describe(path)} does not name a list");
    }

    private static JsonNode RequireMergeKey(JsonObject item, string mergeKey, string[] path) =>
        MergeKeyOf(item, mergeKey)
        ?? throw new PatchException($"an item of list {Describe(path)} does not contain its merge key \"{mergeKey}\"");

    private static JsonNode RequireScalar(JsonNode? item, string[] path) =>
        item as JsonValue
        ?? throw new PatchException($"list {Describe(path)} is a set of scalars, but the patch has {item?.ToJsonString() ?? "null"} in it");

    /// <summary>What identifies an entry of a <c>$setElementOrder</c> list: the scalar itself, or the item's merge key.</summary>
    private static JsonNode OrderKeyOf(JsonNode? entry, string strategy, string[] listPath)
    {
        if (strategy == IMergeKeys.PrimitiveMerge)
        {
            return RequireScalar(entry, listPath);
        }

        return entry is JsonObject item
            ? RequireMergeKey(item, strategy, listPath)
            : throw new PatchException($"the {SetElementOrderPrefix} list of {Describe(listPath)} must hold objects with \"{strategy}\"");
    }

    private static JsonNode? MergeKeyOf(JsonNode? item, string mergeKey) =>
        item is JsonObject obj && obj.TryGetPropertyValue(mergeKey, out var value) ? value : null;

    private static JsonNode? Itself(JsonNode? item) => item;

    /// <summary>Takes the items out of <paramref name="list"/> so that they can go into a new list.</summary>
    private static List<JsonNode?> Detach(JsonArray? list)
    {
        if (list is null)
        {
            return [];
        }

        var items = list.ToList();
        list.Clear();
        return items;
    }

    private static JsonNode? CloneWithoutNullMembers(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(member => member.Value is not null)
            .Select(member => KeyValuePair.Create(member.Key, CloneWithoutNullMembers(member.Value)))),
        JsonArray list => new JsonArray([.. list.Select(CloneWithoutNullMembers)]),
        _ => node?.DeepClone(),
    };

    private static string Describe(string[] path) => path.Length == 0 ? "the top level" : string.Join('.', path);
}
