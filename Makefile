# The two commands: `make run` boots the demo, `make test` runs every test. Both install what they need.
BUILD := build
JOBS ?= $(shell nproc)

.PHONY: all build run test unit clean format deps-build deps-run deps-test

all: build

deps-%:
	@tools/deps.sh $*

$(BUILD)/Makefile: CMakeLists.txt
	@cmake -S . -B $(BUILD) >/dev/null

build: deps-build $(BUILD)/Makefile
	@cmake --build $(BUILD) -j$(JOBS)

run: deps-run build
	./realvm run configs/demo.cfg

test: deps-test build
	@tools/run-tests.sh $(BUILD)

unit: build
	@cd $(BUILD) && ctest -L unit -j$(JOBS) --output-on-failure | tail -3

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
