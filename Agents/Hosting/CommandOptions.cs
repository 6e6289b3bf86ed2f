using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>
/// One option of a command, declared once: its command-line name, its configuration key (the name in PascalCase:
/// <c>--api-port</c> is <c>ApiPort</c>), its help line and how a value changes the command's options.
/// </summary>
public sealed record CommandOption<T>
{
    /// <summary>The name without dashes, e.g. <c>api-port</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the help calls the value, e.g. <c>N</c>; null: a flag, which takes no value on the command line.</summary>
    public string? ValueName { get; init; }

    /// <summary>The help text; each further line (after a line break) is indented under the first.</summary>
    public required string Help { get; init; }

    /// <summary>Given several times on the command line, a list in a file or <c>KEY__0</c>, <c>KEY__1</c> in the environment.</summary>
    public bool Repeatable { get; init; }

    /// <summary>Older names still taken on the command line (not shown in the help).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Applies one value (a flag's is <c>true</c> or <c>false</c>); throws <see cref="OptionValueException"/> for a bad one.</summary>
    public required Func<T, string, T> Apply { get; init; }

    public bool IsFlag => ValueName is null;

    public string Key => PascalCase(Name);

    public static CommandOption<T> Value(string name, string valueName, string help, Func<T, string, T> apply) =>
        new() { Name = name, ValueName = valueName, Help = help, Apply = apply };

    public static CommandOption<T> Repeated(string name, string valueName, string help, Func<T, string, T> apply) =>
        new() { Name = name, ValueName = valueName, Help = help, Apply = apply, Repeatable = true };

    public static CommandOption<T> Flag(string name, string help, Func<T, bool, T> apply) =>
        new() { Name = name, Help = help, Apply = (options, value) => apply(options, OptionValues.Boolean(value)) };

    private static string PascalCase(string name) =>
        string.Concat(name.Split('-').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}

/// <summary>A bad value; the message is said after the option's name (e.g. <c>" needs a port number"</c>), so it starts with a space or a colon.</summary>
public sealed class OptionValueException(string messageAfterName) : Exception(messageAfterName);

/// <summary><c>--help</c> or <c>-h</c>: the command prints <see cref="Exception.Message"/> (the usage) and exits 0.</summary>
public sealed class HelpRequestedException(string usage) : ArgumentException(usage);

/// <summary>The options as read, and the settings file they came from (if any).</summary>
public sealed record LoadedOptions<T>(T Options, string? ConfigFile);

/// <summary>
/// A command's options, read from four sources where a later one wins, option by option: <c>appsettings.json</c> next to
/// the program, the file of <c>--config FILE</c>, the environment (<c>PREFIX</c> + key, nested with <c>__</c>) and the
/// command line. The table of <see cref="CommandOption{T}"/> is the one declaration of every option: the parser, the
/// configuration keys and the usage all come from it. Anything unknown, in any source, is refused rather than ignored.
/// </summary>
public sealed class CommandOptions<T>
{
    public const string ConfigOption = "--config";
    public const string DefaultFileName = "appsettings.json";
    private const int HelpColumn = 26;

    private readonly IReadOnlyList<CommandOption<T>> _options;
    private readonly Dictionary<string, CommandOption<T>> _byCommandLineName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandOption<T>> _byKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlySet<string> _foreignSections;
    private readonly Func<T, string?> _validate;

    /// <param name="program">The program's name in the usage.</param>
    /// <param name="environmentPrefix">The prefix of the environment variables read, e.g. <c>OO__</c>.</param>
    /// <param name="foreignSections">Top-level sections of a settings file that belong to the host (e.g. <c>Logging</c>), not to the options.</param>
    /// <param name="validate">A check across options once all are read: null, or what is wrong.</param>
    public CommandOptions(string program, string environmentPrefix, IReadOnlyList<CommandOption<T>> options,
        IReadOnlyCollection<string>? foreignSections = null, Func<T, string?>? validate = null)
    {
        EnvironmentPrefix = environmentPrefix;
        _options = options;
        _foreignSections = new HashSet<string>(foreignSections ?? [], StringComparer.OrdinalIgnoreCase);
        _validate = validate ?? (_ => null);
        foreach (var option in options)
        {
            foreach (var name in option.Aliases.Prepend(option.Name))
                if (!_byCommandLineName.TryAdd("--" + name, option)) throw new InvalidOperationException($"option --{name} is declared twice");
            if (!_byKey.TryAdd(option.Key, option)) throw new InvalidOperationException($"configuration key {option.Key} is declared twice");
        }
        Usage = MakeUsage(program);
    }

    public string EnvironmentPrefix { get; }

    public IReadOnlyList<CommandOption<T>> Options => _options;

    /// <summary>The help, generated from the table, with how the settings file and the environment are used.</summary>
    public string Usage { get; }

    /// <summary>Reads the options over <paramref name="defaults"/>; a bad or unknown one throws an <see cref="ArgumentException"/> with the usage.</summary>
    /// <param name="environment">The process's environment (null: the real one).</param>
    /// <param name="programDirectory">Where <c>appsettings.json</c> is looked for (null: the program's folder).</param>
    public LoadedOptions<T> Load(T defaults, IReadOnlyList<string> args, IDictionary? environment = null, string? programDirectory = null)
    {
        try
        {
            return LoadOrThrow(defaults, args, environment ?? Environment.GetEnvironmentVariables(), programDirectory ?? AppContext.BaseDirectory);
        }
        catch (HelpRequestedException) { throw; }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{e.Message}\n{Usage}");
        }
    }

    private LoadedOptions<T> LoadOrThrow(T defaults, IReadOnlyList<string> args, IDictionary environment, string programDirectory)
    {
        var commandLine = ReadCommandLine(args, out var configFile);
        // Option by option, the last source that sets it decides (a list too: it is not merged with an earlier source's).
        var chosen = new Dictionary<CommandOption<T>, (string Where, List<string> Values)>();
        var defaultFile = Path.Combine(programDirectory, DefaultFileName);
        if (File.Exists(defaultFile)) ReadSettings(FromJsonFile(defaultFile), key => $"{key} (in {defaultFile})", chosen);
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path)) throw new ArgumentException($"{ConfigOption}: the settings file {path} does not exist");
            ReadSettings(FromJsonFile(path), key => $"{key} (in {path})", chosen);
            configFile = path;
        }
        ReadSettings(FromEnvironment(environment), key => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal), chosen);
        var fromCommandLine = new HashSet<CommandOption<T>>();
        foreach (var (option, where, value) in commandLine)
        {
            // The command line's first use of an option replaces what the files and the environment said; repeats add to it.
            if (fromCommandLine.Add(option) || !option.Repeatable) chosen[option] = (where, []);
            chosen[option].Values.Add(value);
        }

        var options = defaults;
        foreach (var option in _options)
        {
            if (!chosen.TryGetValue(option, out var setting)) continue;
            foreach (var value in setting.Values)
            {
                try { options = option.Apply(options, value); }
                catch (OptionValueException e) { throw new ArgumentException(setting.Where + e.Message); }
            }
        }
        if (_validate(options) is { } problem) throw new ArgumentException(problem);
        return new LoadedOptions<T>(options, configFile);
    }

    private List<(CommandOption<T> Option, string Where, string Value)> ReadCommandLine(IReadOnlyList<string> args, out string? configFile)
    {
        configFile = null;
        var read = new List<(CommandOption<T>, string, string)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h") throw new HelpRequestedException(Usage);
            // --name VALUE, or --name=VALUE as .NET's command-line configuration also takes it.
            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var name = equals > 0 ? arg[..equals] : arg;
            string? inline = equals > 0 ? arg[(equals + 1)..] : null;
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value"));
            if (name == ConfigOption)
            {
                configFile = Value();
                continue;
            }
            if (!_byCommandLineName.TryGetValue(name, out var option)) throw new ArgumentException($"unknown option {arg}");
            read.Add((option, name, option.IsFlag ? inline ?? "true" : Value()));
        }
        return read;
    }

    private void ReadSettings(IConfiguration settings, Func<string, string> where, Dictionary<CommandOption<T>, (string, List<string>)> chosen)
    {
        foreach (var section in settings.GetChildren())
        {
            if (_foreignSections.Contains(section.Key)) continue;
            if (!_byKey.TryGetValue(section.Key, out var option))
                throw new ArgumentException($"unknown setting {where(section.Key)}; the settings are the options' names in PascalCase, e.g. {_options[0].Key}");
            var items = section.GetChildren().ToList();
            if (items.Count == 0)
            {
                // An empty list in JSON reads as an empty value: for a list, no items.
                chosen[option] = (where(section.Key), option.Repeatable && string.IsNullOrEmpty(section.Value) ? [] : [section.Value ?? ""]);
                continue;
            }
            if (!option.Repeatable || items.Any(item => item.Value is null))
                throw new ArgumentException($"{where(section.Key)} needs {(option.Repeatable ? "a list of values" : "a single value")}, not a section");
            // Items in their index order (the keys are 0, 1, … 10: ordered as numbers, not as text).
            chosen[option] = (where(section.Key), [.. items.OrderBy(item => int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
                .Select(item => item.Value!)]);
        }
    }

    private static IConfiguration FromJsonFile(string path)
    {
        try
        {
            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"the settings file {path} is not valid JSON: {(e.InnerException ?? e).Message}");
        }
    }

    private IConfiguration FromEnvironment(IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            values[name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = entry.Value as string;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private string MakeUsage(string program)
    {
        var usage = new StringBuilder($"Usage: {program} [options]\n");
        void Line(string left, string help)
        {
            var lines = help.Split('\n');
            usage.Append(left.Length <= HelpColumn - 2 ? left.PadRight(HelpColumn) : left + "  ").Append(lines[0]).Append('\n');
            foreach (var more in lines.Skip(1)) usage.Append(new string(' ', HelpColumn)).Append(more).Append('\n');
        }
        foreach (var option in _options)
            Line($"  --{option.Name}{(option.IsFlag ? "" : " " + option.ValueName)}", option.Repeatable ? option.Help + " (repeatable)" : option.Help);
        Line($"  {ConfigOption} FILE", "read settings from this JSON file (see below)");
        Line("  -h, --help", "print this help");
        var example = _options.First(o => !o.IsFlag && !o.Repeatable);
        var flag = _options.FirstOrDefault(o => o.IsFlag);
        var list = _options.FirstOrDefault(o => o.Repeatable);
        usage.Append($"""

            Every option can also be set in a JSON settings file or in the environment, under its name in PascalCase:
            --{example.Name} X is "{example.Key}": "X" in a file and {EnvironmentPrefix}{example.Key}=X in the environment.
            """).Append('\n');
        if (flag is not null) usage.Append($"A flag is true or false (\"{flag.Key}\": true, {EnvironmentPrefix}{flag.Key}=true).\n");
        if (list is not null) usage.Append($"A repeatable option is a list (\"{list.Key}\": [\"A\", \"B\"], {EnvironmentPrefix}{list.Key}__0=A {EnvironmentPrefix}{list.Key}__1=B).\n");
        usage.Append($"""
            Sources, a later one winning option by option: {DefaultFileName} next to the program (if present), the file
            given by {ConfigOption} FILE, environment variables {EnvironmentPrefix}*, the command line. Unknown settings are refused.
            """).Append('\n');
        return usage.ToString();
    }
}

/// <summary>Parsers of option values shared by the commands; each throws <see cref="OptionValueException"/> with the message after the option's name.</summary>
public static class OptionValues
{
    public static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new OptionValueException(" needs a port number between 1 and 65535");

    public static int WholeNumber(string text, int max = 1_000_000) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max
            ? n
            : throw new OptionValueException($" needs a whole number (at most {max:N0})");

    public static TimeSpan Seconds(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : throw new OptionValueException(" needs a whole number of seconds");

    public static System.Net.IPAddress Address(string text) =>
        System.Net.IPAddress.TryParse(text, out var address) ? address : throw new OptionValueException(" needs an IP address");

    public static System.Net.IPEndPoint Gateway(string text) =>
        System.Net.IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0
            ? endpoint
            : throw new OptionValueException(" needs HOST:PORT of a silo gateway, e.g. 127.0.0.1:30000");

    public static string NotEmpty(string text) =>
        text.Length > 0 ? text : throw new OptionValueException(" needs a value");

    public static string FullPath(string text) => Path.GetFullPath(NotEmpty(text));

    public static Uri AbsoluteUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new OptionValueException($" needs an absolute URI, not {text}");

    public static bool Boolean(string text) =>
        bool.TryParse(text, out var on) ? on : throw new OptionValueException($" is a flag: true or false, not {text}");
}
