using System.Security.Cryptography;
using CnnFromScratch.Data;

namespace CnnFromScratch.Tests.Data;

public sealed class FashionSampleTests
{
    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "15873c6b017f0bee82b3057a6c8a4ad709e0ad085b139e0bd912b3b8939b40d3")]
    [InlineData("train-labels-idx1-ubyte.gz", "58e6dfa977fbae547b7bba573d018218a4a2af4835bf4e8591ea8eb3d595f5f3")]
    [InlineData("t10k-images-idx3-ubyte.gz", "524a20098986de61175500af11a6a13345c7415fa6fab71a86320c0ba8d31097")]
    [InlineData("t10k-labels-idx1-ubyte.gz", "8a19a6d3d625663652672e5672f5461cb30f2ed87d6bc207109e6034cc785213")]
    public void Bundled_files_have_the_checksums_in_data_README(string file, string sha256)
    {
        string path = Path.Combine(FashionMnistSample.Folder, file);
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant());
        Assert.Contains(sha256, File.ReadAllText(Path.Combine(FashionMnistSample.Folder, "..", "README.md")));
    }

    [Fact]
    public void Load_gives_800_training_and_200_test_images_of_every_class_mixed()
    {
        var (train, test) = FashionMnistSample.Load();
        Assert.Equal(new[] { 8000, 1, 28, 28 }, train.Images.Shape);
        Assert.Equal(new[] { 2000, 1, 28, 28 }, test.Images.Shape);
        Assert.All(train.ClassCounts(), c => Assert.Equal(800, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(200, c));
        Assert.Equal("Ankle boot", train.ClassNames[9]);
        Assert.Equal(10, train.Labels.Take(100).Distinct().Count());
        Assert.InRange(test.Images.Max(), 0.99f, 1f);
    }

    [Fact]
    public void Every_sample_image_is_an_image_of_the_official_set_with_the_same_label()
    {
        Assert.True(Directory.Exists(FashionMnist.DebianFolder),
            $"{FashionMnist.DebianFolder} is missing. Install it with: sudo apt-get install -y dataset-fashion-mnist (.ci/run does this in CI).");
        var (fullTrain, fullTest) = FashionMnist.Load(new DownloadOptions
        {
            CacheFolder = Directory.CreateTempSubdirectory("fashion-cache-").FullName, Mirrors = [],
        });
        var (train, test) = FashionMnistSample.Load();
        foreach (var (sample, full) in new[] { (train, fullTrain), (test, fullTest) })
        {
            var official = new Dictionary<string, int>();
            for (int i = 0; i < full.Count; i++) official.TryAdd(Key(full, i), full.Labels[i]);
            for (int i = 0; i < sample.Count; i++)
            {
                Assert.True(official.TryGetValue(Key(sample, i), out int label), $"{sample.Name} image {i} is not in the official {full.Name} set");
                Assert.Equal(label, sample.Labels[i]);
            }
        }
    }

    private static string Key(LabeledImages images, int i) =>
        Convert.ToBase64String(images.Images.Data.AsSpan(i * 784, 784).ToArray().Select(v => (byte)MathF.Round(v * 255)).ToArray());
}
