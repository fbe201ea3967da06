# fail_nth_test is one program from several files: its tests in
# fail_nth_test.c (the harness keeps them in one file), the machinery and
# the scenarios in the other .c files of this folder.  The generic rule
# for selftests links a program's own object only; this one links them all.
FAULTS_SRCS := $(filter-out %_test.c,$(sort $(wildcard selftests/faults/*.c)))
FAULTS_OBJS := $(FAULTS_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/selftests/faults/fail_nth_test: $(BUILD)/selftests/faults/fail_nth_test.o $(FAULTS_OBJS) $(LIB_A)
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS)

-include $(FAULTS_OBJS:.o=.d)
