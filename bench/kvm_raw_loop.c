/* The least a KVM monitor can do: the floor kvm-gdbstub's start-up and
 * per-exit cost are measured against (bench/cpu_speed.sh).
 *
 * Usage: kvm_raw_loop IMAGE [RAM_KIB]
 *
 * Opens /dev/kvm, creates a VM with one vCPU and RAM_KIB KiB of RAM
 * (default 1024) at guest physical 0, loads the flat IMAGE at 0, starts it
 * in real mode at 0000:0000 and re-enters KVM_RUN after every exit, only
 * counting port I/O (an `in` reads whatever is in the buffer), until HLT.
 * Prints on stderr the set-up time, the run time and the exits by reason.
 * Exit status 0 at HLT, 1 on any other exit or error.
 *
 * Standalone on purpose (no libvmm): cc -O2 -o kvm_raw_loop kvm_raw_loop.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "kvm_raw_loop: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	double t0 = now();
	if (argc < 2) {
		fprintf(stderr, "usage: kvm_raw_loop IMAGE [RAM_KIB]\n");
		return 2;
	}
	size_t ram_size = (argc > 2 ? strtoul(argv[2], NULL, 0) : 1024) * 1024;

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	uint8_t *ram =
	    mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap RAM");
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		die(argv[1]);
	size_t n = fread(ram, 1, ram_size, f);
	fclose(f);
	if (!n) {
		fprintf(stderr, "kvm_raw_loop: %s is empty\n", argv[1]);
		return 1;
	}
	struct kvm_userspace_memory_region region = {.slot = 0,
	                                             .guest_phys_addr = 0,
	                                             .memory_size = ram_size,
	                                             .userspace_addr = (uintptr_t)ram};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run =
	    mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	/* Real mode at 0000:0000 with every segment 0 (KVM resets to F000:FFF0). */
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	struct kvm_segment *segs[] = {&sregs.cs, &sregs.ds, &sregs.es,
	                              &sregs.fs, &sregs.gs, &sregs.ss};
	for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		segs[i]->selector = 0;
		segs[i]->base = 0;
	}
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	struct kvm_regs regs = {.rip = 0, .rflags = 2};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	double t1 = now();
	unsigned long long exits = 0, io = 0;
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		exits++;
		if (run->exit_reason == KVM_EXIT_IO) {
			io++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		fprintf(stderr, "kvm_raw_loop: exit reason %u\n", run->exit_reason);
		return 1;
	}
	double t2 = now();
	fprintf(stderr,
	        "kvm_raw_loop: set-up %.6f s, run %.6f s, %llu exits (%llu IO, 1 HLT), %.2f us per "
	        "exit\n",
	        t1 - t0, t2 - t1, exits, io, exits ? (t2 - t1) * 1e6 / exits : 0.0);
	return 0;
}
