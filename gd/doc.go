// Package gd minimises differentiable objectives by gradient descent:
// full-batch, stochastic and mini-batch, with plain, momentum, Nesterov and
// Adam updates, learning-rate schedules, L1/L2 (elastic-net)
// regularisation, and stopping rules including early stopping on a
// validation set. It is the training engine of package linreg, and works
// on any Objective.
//
// # Choosing a method
//
//   - FullBatch: every step uses all N examples. Its steps are the
//     steadiest, and with a rate below 2/L (L the largest curvature) the
//     loss falls at every step, but each step costs a full pass over the
//     data. It is the only method with an exact gradient-norm stopping
//     rule (Config.GradTol).
//   - SGD: one example per step, N steps per epoch. Steps are cheap and
//     noisy: progress starts long before a full pass, but the parameters
//     keep jittering around the optimum unless the rate decays.
//   - MiniBatch: B examples per step. It sits between the two, and each
//     step evaluates its block of rows in one kernel call.
//
// SGD and MiniBatch visit the examples in a fresh random order each epoch.
// A random order of single rows means scattered memory reads; with
// Config.ShuffleBlock the epoch shuffles blocks of consecutive rows
// instead, so every batch is contiguous: one fused kernel call over rows
// that sit together, at memory speed. Its doc says what it does to
// convergence.
//
// A dynamic learning rate (Config.Schedule) gets the best of both ends: a
// warm-up or a large early rate speeds up the start, and a decaying rate
// lets SGD and mini-batch settle at the end instead of jittering.
//
// # The objective
//
// Minimize minimises
//
//	f(w) = loss(w) + L1·‖w‖₁ + (L2/2)·‖w‖²
//
// where loss is the Objective's mean over the examples and the penalties
// apply to the parameters it declares penalised (never an intercept). This
// is scikit-learn's ElasticNet convention: L1 = alpha·l1_ratio and
// L2 = alpha·(1−l1_ratio). L2 enters the gradient; L1 is applied as a
// proximal step, soft-thresholding after each update, so coefficients
// reach exactly zero, which a subgradient would never do. The threshold is
// scaled to the update rule's step (ProxScaler), so momentum and Adam
// converge to the same optimum as plain descent, and to the objective's
// penalty weights (PenaltyWeighter), so parameters in other units, such
// as coefficients of standardised features, are penalised exactly in the
// units intended.
//
// # Failure is loud
//
// A bad configuration is an error naming the field (ErrConfig). A run
// whose loss, gradient or parameters stop being finite, or whose loss
// grows beyond Config.DivergenceFactor times its start, returns a
// *DivergedError naming the step and the last finite loss (ErrDiverged),
// and no parameters. A cancelled context returns ctx.Err() with the best
// parameters so far.
//
// # Same bits everywhere
//
// Given the same objective, starting point, configuration and seed, a run
// gives the same bits on every CPU, GOARCH and kernel implementation
// (generic, AVX2, AVX-512, NEON): the updates and the least-squares
// objective use package kernels, whose reductions follow one canonical
// order; the Go arithmetic around them never leaves a multiply-add for the
// compiler to fuse; and the permutations come from a seeded PCG through
// this package's own sampling code, not from math/rand functions whose
// algorithm may change between Go releases.
//
// After its first step a run allocates nothing per step: the state is
// allocated up front, and the loss history grows once per epoch.
package gd
