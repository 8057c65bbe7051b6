package main

// The subcommands are listed in init, because cmdHelp refers to the list.
func init() {
	commands = []command{
		{"demo", "train the classic example (the default when no subcommand is given)", cmdDemo},
		{"fit", "train a model on a CSV or .npy file", cmdFit},
		{"predict", "apply a saved model to a CSV or .npy file", cmdPredict},
		{"knn", "exact k-nearest-neighbour search over float32 vectors in .npy files", cmdKNN},
		{"bench", "a quick table of this machine's kernel throughput", cmdBench},
		{"cpu", "the CPU, its features, and the kernels chosen", cmdCPU},
		{"help", "this list, or the help of one subcommand", cmdHelp},
	}
}
