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

if (settings.Command == "help")
{
    Console.WriteLine(BenchSettings.Usage);
    return 0;
}

if (settings.VectorBits == 512 && !CnnFromScratch.Fast.VectorWidth.WideAvailable)
{
    Console.Error.WriteLine("--vector-bits 512: this CPU has no AVX-512 (or the runtime does not accelerate Vector512); use 256.");
    return 2;
}
if (settings.VectorBits is int bits) CnnFromScratch.Fast.VectorWidth.Wide = bits == 512;
Console.WriteLine($"Machine:  {Machine.Describe()}");
Console.WriteLine($"Load:     {Machine.LoadAverage()} (1, 5, 15-minute averages; above {Environment.ProcessorCount}, other processes compete for the cores)");
Peak peak = Peak.Measure(settings.Threads);
Console.WriteLine(peak.Describe());
switch (settings.Command)
{
    case "peak":
        return 0;
    case "layers":
        LayerTimings.Print(settings, peak);
        return 0;
}

Console.WriteLine($"Network:  {settings.Network.Description}");
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

if (settings.Command == "overhead")
{
    Overhead.Print(data, settings);
    return 0;
}

if (settings.Command == "train")
{
    foreach (int batch in settings.BatchSizes)
    {
        TrainingRun.WarmUp(data, settings, batch);
        Report.Ours(TrainingRun.Run(data, settings, batch), settings, peak);
    }
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

var pytorchRuns = new List<RunResult>();
var ourRuns = new List<RunResult>();
foreach (int batch in settings.BatchSizes)
{
    TrainingRun.WarmUp(data, settings, batch);
    for (int r = 1; r <= settings.Repeats; r++)
    {
        if (pytorchProblem is null)
        {
            pytorchRuns.Add(PyTorchRun.Run(settings, batch));
            Report.Line(r, pytorchRuns[^1]);
        }
        ourRuns.Add(TrainingRun.Run(data, settings, batch));
        Report.Line(r, ourRuns[^1]);
    }
}
Report.Comparison(pytorchRuns, ourRuns, settings, peak, Machine.LoadAverage());
return 0;
