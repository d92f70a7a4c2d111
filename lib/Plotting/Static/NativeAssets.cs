using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace CnnFromScratch.Plotting.Static;

/// <summary>
/// Lets a host that knows nothing of ScottPlot load it from beside this library. A notebook loads
/// <c>lib/bin/CnnFromScratch.dll</c> with <c>#r</c>: the kernel's or the runner's own dependency file names neither
/// ScottPlot and SkiaSharp nor SkiaSharp's native library, which the build copies to <c>lib/bin/</c> and
/// <c>lib/bin/runtimes/&lt;rid&gt;/native/</c>. A host that does know them (the tests, an app) never asks, so these
/// resolvers only fill the gap.
/// </summary>
internal static class NativeAssets
{
    private static readonly object Gate = new();
    private static bool _registered;

    private static string Directory => Path.GetDirectoryName(typeof(NativeAssets).Assembly.Location) ?? AppContext.BaseDirectory;

    /// <summary>Installs the resolvers once. Call it before the first method that touches a ScottPlot or SkiaSharp type is compiled.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered) return;
            _registered = true;
            var context = AssemblyLoadContext.GetLoadContext(typeof(NativeAssets).Assembly) ?? AssemblyLoadContext.Default;
            context.Resolving += ResolveManaged;
            RegisterNativeResolver();
        }
    }

    private static Assembly? ResolveManaged(AssemblyLoadContext context, AssemblyName name)
    {
        var path = Path.Combine(Directory, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }

    // A method of its own: naming SkiaSharp's types loads SkiaSharp.dll, which needs ResolveManaged in place first.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RegisterNativeResolver()
    {
        foreach (var assembly in new[] { typeof(SkiaSharp.SKObject).Assembly, typeof(HarfBuzzSharp.NativeObject).Assembly })
        {
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, ResolveNative);
            }
            catch (InvalidOperationException)
            {
                // The host set a resolver of its own for this assembly; it knows where the library is.
            }
        }
    }

    private static IntPtr ResolveNative(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (var path in NativeCandidates(libraryName))
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                return handle;
        return IntPtr.Zero;   // the runtime's own probing goes on as usual
    }

    /// <summary>Where the build puts <paramref name="libraryName"/> for this machine: runtimes/&lt;rid&gt;/native/.</summary>
    private static IEnumerable<string> NativeCandidates(string libraryName)
    {
        string file = OperatingSystem.IsWindows() ? libraryName + ".dll"
            : OperatingSystem.IsMacOS() ? libraryName + ".dylib"
            : libraryName + ".so";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var rids = new List<string> { RuntimeInformation.RuntimeIdentifier };
        if (OperatingSystem.IsWindows()) rids.Add($"win-{arch}");
        else if (OperatingSystem.IsMacOS()) rids.Add("osx");
        else rids.AddRange([$"linux-{arch}", $"linux-musl-{arch}"]);
        return rids.Distinct().Select(rid => Path.Combine(Directory, "runtimes", rid, "native", file));
    }
}
