namespace CnnFromScratch.Data;

/// <summary>Reads a sample bundled under <c>data/</c>, verifying every file's checksums first.</summary>
internal static class BundledSample
{
    /// <summary>The training and test parts of <paramref name="dataset"/>, read from <paramref name="folder"/> (the folder <c>data/<paramref name="folderName"/></c>).</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(IdxDataset dataset, string folder, string folderName)
    {
        var paths = dataset.Files.Select(file =>
        {
            string path = Path.Combine(folder, file.FileName);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} is missing from the bundled sample. Restore it with `git checkout -- data/{folderName}`.", path);
            if (file.Verify(path) is string problem)
                throw new IdxFormatException(path, $"{problem}. The bundled sample was changed; restore it with `git checkout -- data/{folderName}`.");
            return path;
        }).ToArray();
        return (dataset.Read(paths[0], paths[1], "train"), dataset.Read(paths[2], paths[3], "test"));
    }
}
