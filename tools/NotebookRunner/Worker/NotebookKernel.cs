using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace NotebookRunner.Worker;

/// <summary>
/// The real .NET Interactive C# kernel, set up as the dotnet-interactive tool sets it up for Jupyter: a composite
/// kernel holding the C# kernel with <c>#r "nuget:"</c>, the kernel helpers (<c>display</c>, <c>HTML</c>, …), <c>#!who</c>
/// and value sharing; kernel extensions shipped inside NuGet packages; Jupyter's formatting defaults.
/// </summary>
internal static class NotebookKernel
{
    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, packages) =>
            {
                kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var composite = new CompositeKernel();
        composite.Add(csharp, ["c#", "C#"]);
        composite.DefaultKernelName = csharp.Name;
        composite.UseNuGetKernelExtensions();

        // What the tool sets for a browser front end (Jupyter): HTML by default, strings as plain text.
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        return composite;
    }
}
