// Class activation map harness. Run from the repository root:
//   dotnet run --project bench/ClassActivationMaps -c Release -- localisation [--train 3000] [--test 400] [--epochs 6]
//       [--seed 0] [--deletion 100] [--out bench/results] [--save-model /tmp/mlnettriplet-scene-cnn.zip]
//     Generated scenes (test/Explain/ClutterScenes.cs): trains the scene CNN (saved for crosscheck), then for every
//     method the pointing game, box IoU, the randomisation sanity check and deletion faithfulness; writes
//     cam-localisation.json/.md and the gallery PNGs to --out.
//   dotnet run --project bench/ClassActivationMaps -c Release -- crosscheck [--work DIR] [--data-dir DIR]
//       [--python /usr/bin/python3] [--fixture test/Explain/Fixtures/cam-reference] [--out bench/results]
//       [--model /tmp/mlnettriplet-scene-cnn.zip (trained when missing)]
//     The same weights and images through bench/cam_reference.py (PyTorch): per-map Pearson correlation for CAM and
//     Grad-CAM, on the scene CNN and on a ResNet-18 transfer-learning classifier of photos (--data-dir, default the
//     repository's data/caltech101; the committed results used the ants/bees of PyTorch's tutorial); writes
//     cam-crosscheck.json/.md. With --fixture, also (re)writes the scene CNN's reference files the tests compare with.
//   dotnet run --project bench/ClassActivationMaps -c Release -- cost [--rounds 5] [--rows 256] [--photos 64]
//       [--data-dir DIR] [--out bench/results]
//     Time of each map method against the classifier's own Transform on the same rows, alternating, on the scene CNN
//     and the ResNet-18 transfer classifier; writes cam-cost.json/.md. Run on a quiet machine only.
using MlNetTriplet.CamBench;

string verb = args.Length > 0 ? args[0] : "";
var options = Arguments.Parse(args.Skip(1));
return verb switch
{
    "localisation" => LocalisationBench.Run(options),
    "crosscheck" => CrossCheck.Run(options),
    "cost" => CostBench.Run(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: MlNetTriplet.CamBench localisation|crosscheck|cost [--option value]... (see Program.cs)");
    return 2;
}
