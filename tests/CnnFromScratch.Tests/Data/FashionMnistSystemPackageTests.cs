using CnnFromScratch.Data;
using CnnFromScratch.Testing;

namespace CnnFromScratch.Tests.Data;

public sealed class FashionMnistSystemPackageTests
{
    [SkippableFact]
    public void Full_Fashion_MNIST_loads_from_the_Debian_package_folder()
    {
        Prerequisite.Require(Directory.Exists(FashionMnist.DebianFolder),
            $"{FashionMnist.DebianFolder} is missing (Debian's dataset-fashion-mnist package)",
            "sudo apt-get update && sudo apt-get install -y dataset-fashion-mnist");
        string cache = Directory.CreateTempSubdirectory("fashion-cache-").FullName;
        var log = new List<string>();

        // No mirrors: everything must come from the local folder, verified against the pinned content checksums.
        var (train, test) = FashionMnist.Load(new DownloadOptions { CacheFolder = cache, Mirrors = [], Log = log.Add });

        Assert.Equal(new[] { 60000, 1, 28, 28 }, train.Images.Shape);
        Assert.Equal(new[] { 10000, 1, 28, 28 }, test.Images.Shape);
        Assert.All(train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.Equal("Ankle boot", train.ClassNames[9]);
        Assert.InRange(train.Images.Max(), 0.99f, 1f);
        Assert.Empty(Directory.GetFiles(cache));
        Assert.Empty(log);
        Directory.Delete(cache);
    }
}
