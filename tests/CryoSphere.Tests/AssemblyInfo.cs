// libtorch's thread count is process-wide and training tests set it; running test classes one at a time
// keeps every training run's numerics (and so the learning test's result) independent of what runs beside it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
