using BookRenderer;

if (args.Contains("-h") || args.Contains("--help"))
{
    Console.WriteLine(BookOptions.Usage);
    return 0;
}
try
{
    var options = BookOptions.Parse(args, Directory.GetCurrentDirectory());
    var book = Book.Build(options);
    Console.WriteLine($"The book: {book.Chapters.Count} chapters, {book.ChartCount} charts, {book.FormulaCount} formulas → {Path.Combine(options.OutputDirectory, "index.html")}");
    return 0;
}
catch (BookException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
