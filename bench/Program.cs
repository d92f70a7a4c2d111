using System.Globalization;
using CnnFromScratch.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(BenchSettings.Usage);
    return 2;
}

switch (settings.Command)
{
    case "help":
        Console.WriteLine(BenchSettings.Usage);
        return 0;
    case "layers":
        Console.WriteLine($"Machine: {Machine.Describe()}");
        LayerTimings.Print(settings);
        return 0;
}

Console.WriteLine($"Machine:  {Machine.Describe()}");
Console.WriteLine($"Network:  {CourseNetwork.Description}");
Console.WriteLine($"Settings: {settings}");
Console.WriteLine($"Data:     {settings.DataFolder}");
Dataset data;
try
{
    data = Dataset.Load(settings.DataFolder);
}
catch (Exception e) when (e is IOException or CnnFromScratch.Data.IdxFormatException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
Console.WriteLine($"          {data.Train.Count:N0} training and {data.Test.Count:N0} test images of {CnnFromScratch.Tensors.TensorShape.Format(data.Train.ImageShape)}");

if (settings.Command == "train")
{
    TrainingRun.WarmUp(data, settings);
    Report.Ours(TrainingRun.Run(data, settings));
    return 0;
}

// compare: PyTorch and this library alternately, so both see the same machine load.
string? pytorchProblem = null;
if (settings.SkipPyTorch) pytorchProblem = "--no-pytorch was given";
else
{
    var (version, problem) = PyTorchRun.Probe(settings);
    pytorchProblem = problem;
    if (version is not null) Console.WriteLine($"PyTorch:  {version} ({settings.Python})");
}
if (pytorchProblem is not null)
    Console.WriteLine($"PyTorch is not available: {pytorchProblem}. Showing this library's numbers only.");
Console.WriteLine();

TrainingRun.WarmUp(data, settings);
var pytorchRuns = new List<RunResult>();
var ourRuns = new List<RunResult>();
for (int r = 1; r <= settings.Repeats; r++)
{
    if (pytorchProblem is null)
    {
        pytorchRuns.Add(PyTorchRun.Run(settings));
        Report.Line(r, pytorchRuns[^1]);
    }
    ourRuns.Add(TrainingRun.Run(data, settings));
    Report.Line(r, ourRuns[^1]);
}
Report.Comparison(pytorchRuns, ourRuns, settings, Machine.LoadAverage());
return 0;
