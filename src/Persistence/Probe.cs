namespace MlNetTriplet.Persistence;
internal static class Probe
{
    internal static Microsoft.ML.VersionInfo Info() => new("ABCDEFGH", 0x00010001, 0x00010001, 0x00010001, loaderSignature: "X", loaderAssemblyName: "MlNetTriplet");
}
