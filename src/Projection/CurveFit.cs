namespace MlNetTriplet.Projection;

/// <summary>umap-learn's <c>find_ab_params</c>: the a, b of the low-dimensional similarity 1 / (1 + a d^(2b)) fitted
/// by least squares to the target curve (1 below min_dist, exp(-(d - min_dist) / spread) above) on 300 points of
/// [0, 3 spread], with Levenberg-Marquardt from (1, 1) as scipy's curve_fit.</summary>
internal static class CurveFit
{
    public static (float A, float B) FindAB(float spread, float minDistance)
    {
        const int points = 300;
        var x = new double[points];
        var y = new double[points];
        for (int i = 0; i < points; i++)
        {
            x[i] = 3.0 * spread * i / (points - 1);
            y[i] = x[i] < minDistance ? 1.0 : Math.Exp(-(x[i] - minDistance) / spread);
        }
        double a = 1, b = 1, lambda = 1e-3;
        double sse = Sse(x, y, a, b);
        for (int iter = 0; iter < 500; iter++)
        {
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < points; i++)
            {
                if (x[i] <= 0) continue;   // f(0) = 1 whatever a, b: no gradient.
                double p = Math.Pow(x[i], 2 * b), den = 1 + a * p;
                double f = 1 / den, r = f - y[i];
                double da = -p / (den * den);
                double db = -a * p * 2 * Math.Log(x[i]) / (den * den);
                jaa += da * da; jab += da * db; jbb += db * db;
                ga += da * r; gb += db * r;
            }
            bool improved = false;
            for (int tries = 0; tries < 40 && !improved; tries++)
            {
                double m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), det = m00 * m11 - jab * jab;
                double stepA = -(m11 * ga - jab * gb) / det, stepB = -(m00 * gb - jab * ga) / det;
                double na = a + stepA, nb = b + stepB;
                double nsse = na > 0 && nb > 0 ? Sse(x, y, na, nb) : double.PositiveInfinity;
                if (nsse < sse)
                {
                    bool converged = Math.Abs(stepA) <= 1e-12 * (1 + Math.Abs(a)) && Math.Abs(stepB) <= 1e-12 * (1 + Math.Abs(b));
                    double relative = (sse - nsse) / Math.Max(sse, 1e-300);
                    (a, b, sse) = (na, nb, nsse);
                    lambda = Math.Max(lambda / 10, 1e-15);
                    improved = true;
                    if (converged || relative < 1e-15) return ((float)a, (float)b);
                }
                else
                    lambda *= 10;
            }
            if (!improved) break;
        }
        return ((float)a, (float)b);
    }

    private static double Sse(double[] x, double[] y, double a, double b)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = 1 / (1 + a * Math.Pow(x[i], 2 * b)) - y[i];
            s += r * r;
        }
        return s;
    }
}
