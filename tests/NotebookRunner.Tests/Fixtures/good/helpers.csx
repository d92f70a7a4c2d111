// Loaded by magics.ipynb with #load.
public static class Helpers
{
    public static int Twice(int x) => 2 * x;
}
