using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;

namespace NotebookRunner.Worker;

/// <summary>
/// A NuGet package can carry a kernel extension in <c>interactive-extensions/dotnet/*.dll</c> (Microsoft.Data.Analysis
/// does: its DataFrame formatter). The dotnet-interactive tool loads them after the cell that added the package, and
/// so does the runner; this part of the tool is not in the kernel's libraries.
/// </summary>
internal static class NuGetKernelExtensions
{
    public static void UseNuGetKernelExtensions(this CompositeKernel kernel)
    {
        var added = new ConcurrentQueue<string>();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        kernel.RegisterForDisposal(kernel.KernelEvents.OfType<PackageAdded>()
            .Where(p => p.PackageReference.PackageRoot is not null)
            .Subscribe(p => added.Enqueue(p.PackageReference.PackageRoot)));

        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (added.TryDequeue(out var root))
            {
                var folder = Path.Combine(root, "interactive-extensions", "dotnet");
                if (!Directory.Exists(folder)) continue;
                foreach (var dll in Directory.GetFiles(folder, "*.dll").Order(StringComparer.Ordinal))
                {
                    if (!loaded.Add(Path.GetFileName(dll))) continue;
                    var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
                    var extensions = assembly.ExportedTypes
                        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IKernelExtension).IsAssignableFrom(t)
                                    && t.GetConstructor(Type.EmptyTypes) is not null)
                        .ToList();
                    if (extensions.Count > 0) KernelInvocationContextExtensions.Display(context, $"Loading extensions from `{assembly.Location}`");
                    foreach (var type in extensions)
                    {
                        var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                        try
                        {
                            await extension.OnLoadAsync(kernel);
                            context.Publish(new KernelExtensionLoaded(extension, context.Command));
                        }
                        catch (Exception e)
                        {
                            context.Fail(context.Command, e, $"Failed to load kernel extension \"{type.Name}\" from {assembly.Location}: {e.Message}");
                        }
                    }
                }
            }
        });
    }
}
