/* The example kernel's interrupts: a 48-entry IDT of 32-bit interrupt gates
 * to kentry.S's stubs, the two 8259s remapped to vectors 0x20 and 0x28 (the
 * BIOS leaves IRQ 0-7 on the CPU's exception vectors), the PIT's channel 0
 * at TICK_HZ (mode 2), and the dispatch to the timer and keyboard. */
#include "kernel.h"

#define IDT_ENTRIES  48
#define STUB_SIZE    16 /* kentry.S aligns every stub to 16 bytes */
#define SEL_CODE     0x08
#define GATE_INT32   0x8e /* present, ring 0, 32-bit interrupt gate */
#define IRQ_BASE     0x20
#define PIC1         0x20
#define PIC2         0xa0
#define PIT_HZ       1193182
#define PIT_CH0      0x40
#define PIT_MODE     0x43

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t zero, type;
	uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern char isr_stubs[];
static struct idt_gate idt[IDT_ENTRIES];
volatile uint32_t ticks;

static void idt_init(void)
{
	for (unsigned v = 0; v < IDT_ENTRIES; v++) {
		uint32_t stub = (uint32_t)isr_stubs + v * STUB_SIZE;
		idt[v] = (struct idt_gate){(uint16_t)stub, SEL_CODE, 0, GATE_INT32,
		                           (uint16_t)(stub >> 16)};
	}
	struct idt_pointer p = {sizeof(idt) - 1, (uint32_t)idt};
	__asm__ volatile("lidt %0" : : "m"(p));
}

/* ICW1-ICW4 for each chip: edge, cascade on IRQ 2, 8086 mode; then masks
 * with only IRQ 0, 1 and the cascade open. */
static void pic_remap(void)
{
	static const struct { uint16_t port; uint8_t value; } program[] = {
		{PIC1, 0x11}, {PIC2, 0x11}, {PIC1 + 1, IRQ_BASE}, {PIC2 + 1, IRQ_BASE + 8},
		{PIC1 + 1, 0x04}, {PIC2 + 1, 0x02}, {PIC1 + 1, 0x01}, {PIC2 + 1, 0x01},
		{PIC1 + 1, 0xf8}, {PIC2 + 1, 0xff},
	};
	for (size_t i = 0; i < sizeof(program) / sizeof(program[0]); i++)
		outb(program[i].port, program[i].value);
}

static void pit_start(void)
{
	uint16_t divisor = (PIT_HZ + TICK_HZ / 2) / TICK_HZ;
	outb(PIT_MODE, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
	outb(PIT_CH0, (uint8_t)divisor);
	outb(PIT_CH0, (uint8_t)(divisor >> 8));
}

void interrupts_init(void)
{
	idt_init();
	pic_remap();
	pit_start();
	keyboard_init();
	__asm__ volatile("sti");
}

static void fault(const struct isr_frame *frame)
{
	console_puts("\nException ");
	console_putu(frame->vector);
	console_puts(" at eip ");
	console_putu(frame->eip);
	console_puts(", halted\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void isr_dispatch(struct isr_frame *frame)
{
	unsigned irq = frame->vector - IRQ_BASE;
	if (frame->vector < IRQ_BASE)
		fault(frame);
	if (irq == 0)
		ticks++;
	else if (irq == 1)
		keyboard_irq();
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

void sleep_ticks(uint32_t n)
{
	uint32_t start = ticks;
	while (ticks - start < n)
		__asm__ volatile("sti; hlt");
}
