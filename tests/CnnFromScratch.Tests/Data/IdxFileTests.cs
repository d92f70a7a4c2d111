using System.IO.Compression;
using CnnFromScratch.Data;

namespace CnnFromScratch.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    public static TheoryData<string> FileNames => new() { "a.idx", "a.idx.gz" };

    [Theory]
    [MemberData(nameof(FileNames))]
    public void Round_trip_preserves_every_element_type(string fileName)
    {
        var arrays = new IdxArray[]
        {
            IdxArray.Create(new byte[] { 0, 1, 127, 128, 255, 42 }, 2, 3),
            IdxArray.Create(new sbyte[] { -128, -1, 0, 1, 127, 5 }, 3, 2),
            IdxArray.Create(new short[] { short.MinValue, -2, 0, 300, short.MaxValue, 7 }, 6),
            IdxArray.Create(new[] { int.MinValue, -70000, 0, 1, 65536, int.MaxValue, 3, 4 }, 2, 2, 2),
            IdxArray.Create(new[] { -1.5f, 0f, float.Epsilon, 3.25e7f, float.MaxValue, float.NegativeInfinity }, 1, 6),
            IdxArray.Create(new[] { Math.PI, -0.0, double.MaxValue, 1e-300, double.NaN, 2.0 }, 2, 1, 3),
        };
        foreach (var written in arrays)
        {
            IdxFile.Write(PathOf(fileName), written);
            var read = IdxFile.Read(PathOf(fileName));
            Assert.Equal(written.ElementType, read.ElementType);
            Assert.Equal(written.Dimensions, read.Dimensions);
            Assert.Equal(written.Values, read.Values);
        }
    }

    [Fact]
    public void Gz_name_writes_gzip_and_plain_name_writes_raw_bytes_with_the_mnist_header()
    {
        var labels = IdxArray.Create(new byte[] { 3, 1, 4 }, 3);
        IdxFile.Write(PathOf("l.gz"), labels);
        IdxFile.Write(PathOf("l"), labels);
        Assert.Equal(new byte[] { 0x1F, 0x8B }, File.ReadAllBytes(PathOf("l.gz"))[..2]);
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 3, 1, 4 }, File.ReadAllBytes(PathOf("l")));
    }

    [Fact]
    public void As_with_the_wrong_type_says_which_type_to_use()
    {
        var e = Assert.Throws<InvalidOperationException>(() => IdxArray.Create(new byte[] { 1 }, 1).As<float>());
        Assert.Contains("As<Byte>()", e.Message);
    }

    private IdxFormatException ReadBad(byte[] content, string name = "bad.idx")
    {
        File.WriteAllBytes(PathOf(name), content);
        var e = Assert.Throws<IdxFormatException>(() => IdxFile.Read(PathOf(name)));
        Assert.StartsWith(PathOf(name), e.Message);
        return e;
    }

    [Fact]
    public void A_folder_given_as_the_file_is_named_a_folder_not_missing()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.Read(_folder));
        Assert.Contains("is a folder, not an IDX file", e.Message);
        Assert.Contains("no such file", Assert.Throws<FileNotFoundException>(() => IdxFile.Read(PathOf("missing.idx"))).Message);
    }

    [Fact]
    public void Wrong_magic_is_rejected()
    {
        var e = ReadBad("<html>not found</html>"u8.ToArray());
        Assert.Contains("wrong magic number 0x3C68746D", e.Message);
    }

    [Fact]
    public void Unknown_element_type_is_rejected()
    {
        var e = ReadBad([0, 0, 0x07, 1, 0, 0, 0, 1, 9]);
        Assert.Contains("unknown element type 0x07", e.Message);
    }

    [Fact]
    public void Truncated_header_is_rejected()
    {
        Assert.Contains("truncated header: the file ends at byte 3", ReadBad([0, 0, 8]).Message);
        // Three dimensions need a 16-byte header; this one stops inside the second size.
        Assert.Contains("truncated header: the file ends at byte 10, but a 3-dimensional IDX header is 16 bytes long",
                        ReadBad([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]).Message);
    }

    [Fact]
    public void Truncated_payload_is_rejected_with_the_byte_where_it_ends()
    {
        var full = new byte[] { 0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6 };
        var e = ReadBad(full[..15]);
        Assert.Contains("truncated payload", e.Message);
        Assert.Contains("2×3 = 6 elements of 1 byte", e.Message);
        Assert.Contains("18 bytes long, but it ends at byte 15", e.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var e = ReadBad([0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3]);
        Assert.Contains("1 unexpected bytes after the last element", e.Message);
    }

    [Fact]
    public void Gzip_stream_cut_in_half_is_rejected()
    {
        var rng = new Random(1);
        var pixels = new byte[20 * 28 * 28];
        rng.NextBytes(pixels);
        IdxFile.Write(PathOf("full.gz"), IdxArray.Create(pixels, 20, 28, 28));
        var packed = File.ReadAllBytes(PathOf("full.gz"));
        var e = ReadBad(packed[..(packed.Length / 2)], "half.gz");
        // .NET either reports the broken stream or simply runs out of data; both must be named.
        Assert.True(e.Message.Contains("gzip stream is corrupt or cut short") || e.Message.Contains("truncated payload"), e.Message);
    }

    [Fact]
    public void Gzip_with_a_corrupted_body_is_rejected()
    {
        IdxFile.Write(PathOf("ok.gz"), IdxArray.Create(Enumerable.Range(0, 4000).Select(i => (byte)(i * 7)).ToArray(), 4000));
        var packed = File.ReadAllBytes(PathOf("ok.gz"));
        for (int i = packed.Length / 3; i < packed.Length / 3 + 16; i++) packed[i] ^= 0x5A;
        var e = ReadBad(packed, "corrupt.gz");
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_rejected_naming_both_files()
    {
        var images = IdxArray.Create(new byte[3 * 2 * 2], 3, 2, 2);
        var labels = IdxArray.Create(new byte[] { 1, 2 }, 2);
        var e = Assert.Throws<IdxFormatException>(() =>
            LabeledImages.FromIdx(images, labels, ["a", "b", "c"], "test", "imgs.gz", "lbls.gz"));
        Assert.Contains("imgs.gz and lbls.gz", e.Message);
        Assert.Contains("labels and images disagree in count: 3 images but 2 labels", e.Message);
    }

    [Fact]
    public void Swapped_image_and_label_files_are_rejected()
    {
        var images = IdxArray.Create(new byte[3 * 2 * 2], 3, 2, 2);
        var labels = IdxArray.Create(new byte[] { 1, 2, 0 }, 3);
        var e = Assert.Throws<IdxFormatException>(() => LabeledImages.FromIdx(labels, images, ["a", "b", "c"], "test"));
        Assert.Contains("swapped", e.Message);
    }

    [Fact]
    public void Non_seekable_streams_are_read_too()
    {
        var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            IdxFile.Write(gz, IdxArray.Create(new[] { 1, 2, 3 }, 3));
        var read = IdxFile.Read(new ForwardOnlyStream(buffer.ToArray()), "memory");
        Assert.Equal(new[] { 1, 2, 3 }, read.As<int>());
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
