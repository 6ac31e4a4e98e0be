## Distribution packaging: patch series for Debian's tcpdump and libpcap.
## Included from Makefile.am.  Everything these targets download or build
## lives in $(VSOCKDUMP_DISTRO_CACHE) (default ~/.cache/vsockdump-distro),
## outside the source tree.  See README, "For packagers".
## patches/ travels in the tarball as it is committed, named by its
## subdirectories: the bare name "patches" is the target that regenerates
## it, and "make dist" must work offline, from the tree alone.

DISTRO_ENV = VSOCKDUMP=$(abs_builddir)/vsockdump$(EXEEXT) \
	VSOCKDUMP_BUILD=$(abs_builddir) \
	VSOCKGEN=$(abs_builddir)/tools/vsockgen$(EXEEXT)
DIST = bookworm

EXTRA_DIST += distro/README distro/dists.conf distro/PATCH_DATE \
	distro/common.sh distro/fetch-upstream.sh distro/mkpatches.sh \
	distro/check-distro.sh distro/build-debs.sh distro/tcpdump-vsock.1.in \
	distro/series-lib.sh distro/upstream-series.sh distro/check-masters.sh \
	distro/libpcap-hunks distro/tcpdump-hunks pcap-vsockmon.c pcap-vsockmon.h \
	vsockmon-device.frag gencode-vsock.frag \
	tests/filter tests/module \
	patches/tcpdump patches/libpcap patches/upstream

.PHONY: fetch-upstream patches check-patches check-distro check-distro-all \
	check-distro-debs check-masters

# Download (or reuse) Debian's source packages of tcpdump and libpcap.
fetch-upstream:
	bash $(srcdir)/distro/fetch-upstream.sh

# Regenerate patches/ from print-vsock.c, pcap-vsockmon.[ch], vsockmon-device.frag,
# gencode-vsock.frag, doc/README.vsockmon.md, savefile-trim.[ch], tests/ and
# distro/ (libpcap-hunks/, tcpdump-hunks/).
patches: tools/vsockgen$(EXEEXT)
	$(DISTRO_ENV) bash $(srcdir)/distro/mkpatches.sh

# Fail if the committed patches/ is not what "make patches" generates.
check-patches: tools/vsockgen$(EXEEXT)
	$(DISTRO_ENV) bash $(srcdir)/distro/mkpatches.sh --check

# Verify the series on one distribution: make check-distro DIST=sid
check-distro: vsockdump$(EXEEXT) tools/vsockgen$(EXEEXT)
	$(DISTRO_ENV) bash $(srcdir)/distro/check-distro.sh $(DIST)

# Verify the git series for tcpdump and libpcap master (patches/upstream/)
# on the snapshots of ../shared/upstream (or $VSOCKDUMP_UPSTREAM_DIR).
check-masters: tools/vsockgen$(EXEEXT)
	$(DISTRO_ENV) bash $(srcdir)/distro/check-masters.sh

# Build the bookworm .debs with the series and check the packaged tcpdump.
check-distro-debs:
	$(DISTRO_ENV) bash $(srcdir)/distro/build-debs.sh bookworm

# The staleness check, every distribution, then the bookworm packages.
# The last line is "N passed, N failed" (units: check-patches, one per
# distribution, the .debs).
check-distro-all: vsockdump$(EXEEXT) tools/vsockgen$(EXEEXT)
	@pass=0; fail=0; \
	if $(DISTRO_ENV) bash $(srcdir)/distro/mkpatches.sh --check; then \
		pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	for d in bookworm trixie sid; do \
		if $(DISTRO_ENV) bash $(srcdir)/distro/check-distro.sh $$d; then \
			pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	done; \
	if $(DISTRO_ENV) bash $(srcdir)/distro/build-debs.sh bookworm; then \
		pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	cache=$${VSOCKDUMP_DISTRO_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/vsockdump-distro}; \
	echo "== summary"; \
	cat $$cache/work/check-bookworm/summary.txt $$cache/work/check-trixie/summary.txt \
	    $$cache/work/check-sid/summary.txt 2>/dev/null; \
	cat $$cache/work/debs-bookworm.summary.txt 2>/dev/null; \
	echo "$$pass passed, $$fail failed"; \
	test $$fail = 0
