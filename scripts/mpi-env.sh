# mpi-env.sh - how this project runs Open MPI's mpirun (sourced by tests/mpi/e2e_mpi.sh,
# scripts/bench.sh and scripts/national.sh).
# Open MPI refuses root unless told; CI runs as root in a container.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No network interfaces to probe in a container: shared memory between local processes.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN="mpirun --oversubscribe"
