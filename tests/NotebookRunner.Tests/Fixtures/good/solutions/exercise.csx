// Solutions for exercise.ipynb.

// ---- solution: square ----
static int Square(int x)
{
    return x * x;
}
