/* The 8042 keyboard controller, its keyboard and port 0x92 (see i8042.h).
 * Behaviour follows the IBM PC/AT technical reference and what QEMU's pckbd
 * does where the documents are silent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/i8042.h"

enum i8042_note {
	NOTE_UNKNOWN_COMMAND = 1,
	NOTE_FIFO_FULL = 2,
	NOTE_REPLY_FULL = 4,
	NOTE_NO_TRANSLATION = 8,
	NOTE_SCAN_SET = 16,
};

static void note_once(struct i8042 *k, enum i8042_note what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note_once(struct i8042 *k, enum i8042_note what, const char *fmt, ...)
{
	if (k->noted & what)
		return;
	k->noted |= what;
	va_list ap;
	va_start(ap, fmt);
	fputs("kvm-gdbstub: i8042: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Keyboard replies and commands */
enum {
	KBD_ACK = 0xFA,
	KBD_RESEND = 0xFE,
	KBD_BAT_OK = 0xAA,
	KBD_ECHO = 0xEE,
	KBD_ID_FIRST = 0xAB,
	KBD_ID_SECOND = 0x83,
	KBD_SCAN_SET_DEFAULT = 2,
};

/* ---- output ------------------------------------------------------------ */

static void push_reply(struct i8042 *k, struct i8042_replies *q, uint8_t b)
{
	if (q->len == I8042_REPLY_MAX) {
		note_once(k, NOTE_REPLY_FULL, "replies the guest does not read are dropped");
		return;
	}
	q->byte[q->len++] = b;
}

static uint8_t pop_reply(struct i8042_replies *q)
{
	uint8_t b = q->byte[0];
	memmove(q->byte, q->byte + 1, --q->len);
	return b;
}

static uint8_t pop_key(struct i8042_state *s)
{
	uint8_t b = s->keys[s->key_head];
	s->key_head = (s->key_head + 1) % I8042_FIFO_SIZE;
	s->key_count--;
	return b;
}

static bool keyboard_enabled(const struct i8042_state *s)
{
	return !(s->ram[0] & I8042_CTR_KBD_DIS);
}

static void update_irq(struct i8042 *k)
{
	bool level = k->s.obf && (k->s.ram[0] & I8042_CTR_KBD_INT);
	if (level != k->s.irq_level) {
		k->s.irq_level = level;
		irq_set_level(&k->irq, level);
	}
}

/* Load the free output buffer with the next byte that may come: a
 * controller reply, else a keyboard reply, else a key (the keyboard only
 * sends while its interface is enabled, keys only while it scans). */
static void load_next(struct i8042_state *s)
{
	if (s->ctrl_reply.len)
		s->out = pop_reply(&s->ctrl_reply);
	else if (!keyboard_enabled(s))
		return;
	else if (s->kbd_reply.len)
		s->out = s->kbd_last = pop_reply(&s->kbd_reply);
	else if (s->scanning && s->key_count)
		s->out = s->kbd_last = pop_key(s);
	else
		return;
	s->obf = true;
}

static void refill(struct i8042 *k)
{
	if (!k->s.obf)
		load_next(&k->s);
	update_irq(k);
}

static void ctrl_send(struct i8042 *k, uint8_t b)
{
	push_reply(k, &k->s.ctrl_reply, b);
}

static void kbd_send(struct i8042 *k, uint8_t b)
{
	push_reply(k, &k->s.kbd_reply, b);
}

/* A keyboard byte as the guest sees it: with translation on, the
 * controller turns set-2 codes into set 1 (only these occur in replies). */
static uint8_t translated(const struct i8042 *k, uint8_t b)
{
	static const struct {
		uint8_t set2, set1;
	} table[] = {{1, 0x43}, {2, 0x41}, {3, 0x3F}, {KBD_ID_SECOND, 0x41}};
	if (!(k->s.ram[0] & I8042_CTR_XLATE))
		return b;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].set2 == b)
			return table[i].set1;
	return b;
}

/* ---- A20 and reset ------------------------------------------------------ */

bool i8042_a20(const struct i8042 *k)
{
	return (k->s.output_port & I8042_OUT_A20) || (k->s.port_a & I8042_PORTA_A20);
}

/* Set both A20 sources and report a change of the gate. */
static void set_a20_sources(struct i8042 *k, uint8_t output_port, uint8_t port_a)
{
	bool was = i8042_a20(k);
	k->s.output_port = output_port;
	k->s.port_a = port_a;
	if (i8042_a20(k) != was && k->a20)
		k->a20(k->opaque, !was);
}

static void write_output_port(struct i8042 *k, uint8_t v)
{
	/* A cleared reset bit is a pulse: the line is high again after it. */
	uint8_t stored = (v | I8042_OUT_RESET) & (uint8_t) ~(I8042_OUT_OBF | I8042_OUT_AUX_OBF);
	set_a20_sources(k, stored, k->s.port_a);
	if (!(v & I8042_OUT_RESET))
		k->reset_requested = true;
}

static void set_output_a20(struct i8042 *k, bool on)
{
	uint8_t port = k->s.output_port & (uint8_t)~I8042_OUT_A20;
	set_a20_sources(k, port | (on ? I8042_OUT_A20 : 0), k->s.port_a);
}

static uint8_t read_output_port(const struct i8042 *k)
{
	return k->s.output_port | (k->s.obf ? I8042_OUT_OBF : 0);
}

/* ---- the keyboard -------------------------------------------------------- */

static void kbd_defaults(struct i8042_state *s)
{
	s->scan_set = KBD_SCAN_SET_DEFAULT;
	s->typematic = I8042_TYPEMATIC_DEFAULT;
}

static void kbd_set_scan_set(struct i8042 *k, uint8_t v)
{
	if (v == 0) {
		kbd_send(k, KBD_ACK);
		kbd_send(k, translated(k, k->s.scan_set));
	} else if (v <= 3) {
		kbd_send(k, KBD_ACK);
		k->s.scan_set = v;
		if (v != KBD_SCAN_SET_DEFAULT)
			note_once(k, NOTE_SCAN_SET, "scan code set %u: keys still arrive in set 1",
			          v);
	} else {
		kbd_send(k, KBD_RESEND);
	}
}

/* The argument byte of command cmd. */
static void kbd_argument(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	switch (cmd) {
	case 0xED: /* set LEDs */
		k->s.leds = v & 7;
		kbd_send(k, KBD_ACK);
		break;
	case 0xF3: /* typematic rate and delay */
		k->s.typematic = v & 0x7F;
		kbd_send(k, KBD_ACK);
		break;
	default: /* 0xF0: scan code set */
		kbd_set_scan_set(k, v);
	}
}

static void kbd_command(struct i8042 *k, uint8_t v)
{
	struct i8042_state *s = &k->s;
	switch (v) {
	case 0xED:
	case 0xF0:
	case 0xF3:
		kbd_send(k, KBD_ACK);
		s->kbd_pending = v;
		break;
	case 0xEE:
		kbd_send(k, KBD_ECHO);
		break;
	case 0xF2: /* identify: an MF2 keyboard */
		kbd_send(k, KBD_ACK);
		kbd_send(k, KBD_ID_FIRST);
		kbd_send(k, translated(k, KBD_ID_SECOND));
		break;
	case 0xF4:
		s->scanning = true;
		kbd_send(k, KBD_ACK);
		break;
	case 0xF5:
		s->scanning = false;
		kbd_defaults(s);
		kbd_send(k, KBD_ACK);
		break;
	case 0xF6:
		kbd_defaults(s);
		kbd_send(k, KBD_ACK);
		break;
	case 0xFE:
		kbd_send(k, s->kbd_last);
		break;
	case 0xFF: /* reset and self-test (BAT): replies already queued go too */
		s->kbd_reply.len = 0;
		kbd_defaults(s);
		s->leds = 0;
		s->scanning = true;
		kbd_send(k, KBD_ACK);
		kbd_send(k, KBD_BAT_OK);
		break;
	default:
		kbd_send(k, KBD_RESEND);
	}
}

/* A byte for the keyboard: an argument or a command.  Sending to the
 * keyboard enables its interface, as real controllers (and QEMU) do. */
static void kbd_write(struct i8042 *k, uint8_t v)
{
	uint8_t pending = k->s.kbd_pending;
	k->s.kbd_pending = 0;
	k->s.ram[0] &= (uint8_t)~I8042_CTR_KBD_DIS;
	if (pending)
		kbd_argument(k, pending, v);
	else
		kbd_command(k, v);
}

/* ---- the controller ------------------------------------------------------ */

static void write_command_byte(struct i8042 *k, uint8_t v)
{
	k->s.ram[0] = v;
	k->s.sys_flag = v & I8042_CTR_SYS;
	if (!(v & I8042_CTR_XLATE))
		note_once(k, NOTE_NO_TRANSLATION, "translation off: keys still arrive in set 1");
}

static bool takes_data_byte(uint8_t cmd)
{
	return (cmd >= 0x60 && cmd <= 0x7F) || (cmd >= 0xD1 && cmd <= 0xD4);
}

/* The data byte of controller command cmd. */
static void ctrl_data(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	if (cmd == 0x60)
		write_command_byte(k, v);
	else if (cmd < 0x80)
		k->s.ram[cmd & (I8042_RAM_SIZE - 1)] = v;
	else if (cmd == 0xD1)
		write_output_port(k, v);
	else if (cmd == 0xD2) /* comes back as keyboard data */
		ctrl_send(k, v);
	/* 0xD3, 0xD4: for the AUX port, where nothing listens */
}

/* 0xA7/0xA8 and 0xAD/0xAE: disable or enable an interface, a command
 * byte bit.  False if cmd is none of them. */
static bool switch_interface(struct i8042_state *s, uint8_t cmd)
{
	static const struct {
		uint8_t cmd, bit;
		bool disable;
	} table[] = {
	    {0xA7, I8042_CTR_AUX_DIS, true},
	    {0xA8, I8042_CTR_AUX_DIS, false},
	    {0xAD, I8042_CTR_KBD_DIS, true},
	    {0xAE, I8042_CTR_KBD_DIS, false},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].cmd == cmd) {
			s->ram[0] = (uint8_t)((s->ram[0] & ~table[i].bit) |
			                      (table[i].disable ? table[i].bit : 0));
			return true;
		}
	}
	return false;
}

static void ctrl_command(struct i8042 *k, uint8_t cmd)
{
	struct i8042_state *s = &k->s;
	if (cmd >= 0x20 && cmd <= 0x3F) {
		ctrl_send(k, s->ram[cmd & (I8042_RAM_SIZE - 1)]);
		return;
	}
	if (takes_data_byte(cmd)) {
		s->ctrl_pending = cmd;
		return;
	}
	if (cmd >= 0xF0) { /* pulse the output bits whose command bit is 0 */
		if (!(cmd & I8042_OUT_RESET))
			k->reset_requested = true;
		return;
	}
	if (switch_interface(s, cmd))
		return;
	switch (cmd) {
	case 0xAA:
		s->sys_flag = true;
		ctrl_send(k, 0x55);
		break;
	case 0xAB:
		ctrl_send(k, 0x00);
		break;
	case 0xC0:
		ctrl_send(k, I8042_INPUT_PORT);
		break;
	case 0xD0:
		ctrl_send(k, read_output_port(k));
		break;
	case 0xDD:
	case 0xDF:
		set_output_a20(k, cmd & 2);
		break;
	default:
		note_once(k, NOTE_UNKNOWN_COMMAND, "controller command 0x%02X ignored", cmd);
	}
}

static uint8_t read_status(const struct i8042_state *s)
{
	return (uint8_t)((s->obf ? I8042_STR_OBF : 0) | (s->sys_flag ? I8042_STR_SYS : 0) |
	                 (s->last_was_command ? I8042_STR_CMD : 0) | I8042_STR_UNLOCKED);
}

static uint8_t read_data(struct i8042 *k)
{
	uint8_t v = k->s.out;
	if (k->s.obf) {
		k->s.obf = false;
		update_irq(k); /* low, then high again for the next byte: an edge each */
	}
	return v;
}

static uint8_t i8042_read8(void *opaque, uint64_t port)
{
	struct i8042 *k = opaque;
	uint8_t v;
	if (port == I8042_DATA_PORT)
		v = read_data(k);
	else if (port == I8042_STATUS_PORT)
		v = read_status(&k->s);
	else
		v = k->s.port_a;
	refill(k);
	return v;
}

static void i8042_write8(void *opaque, uint64_t port, uint8_t v)
{
	struct i8042 *k = opaque;
	struct i8042_state *s = &k->s;
	if (port == I8042_STATUS_PORT) {
		s->last_was_command = true;
		s->ctrl_pending = 0;
		ctrl_command(k, v);
	} else if (port == I8042_DATA_PORT) {
		uint8_t cmd = s->ctrl_pending;
		s->last_was_command = false;
		s->ctrl_pending = 0;
		if (cmd)
			ctrl_data(k, cmd, v);
		else
			kbd_write(k, v);
	} else {
		set_a20_sources(k, s->output_port, v & (uint8_t)~I8042_PORTA_RESET);
		if (v & I8042_PORTA_RESET)
			k->reset_requested = true;
	}
	refill(k);
}

/* The reset callback runs last, once the access is complete: it may well
 * reset this device too. */
static void i8042_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                         unsigned size, bool is_write)
{
	struct i8042 *k = opaque;
	(void)vcpu;
	bus_bytewise(opaque, addr, data, size, is_write, addr + 1, i8042_read8, i8042_write8);
	if (k->reset_requested) {
		k->reset_requested = false;
		if (k->reset)
			k->reset(k->opaque);
	}
}

/* ---- the host side and set-up -------------------------------------------- */

size_t i8042_key_room(const struct i8042 *k)
{
	return I8042_FIFO_SIZE - k->s.key_count;
}

void i8042_key_codes(struct i8042 *k, const uint8_t *codes, size_t n)
{
	struct i8042_state *s = &k->s;
	if (n > i8042_key_room(k)) {
		note_once(k, NOTE_FIFO_FULL, "key FIFO full: keys dropped");
		return;
	}
	for (size_t i = 0; i < n; i++)
		s->keys[(s->key_head + s->key_count++) % I8042_FIFO_SIZE] = codes[i];
	refill(k);
}

void i8042_reset(struct i8042 *k)
{
	struct i8042_state *s = &k->s;
	bool a20_was = i8042_a20(k), irq_was = s->irq_level;
	/* Everything before key_head: the typed-ahead keys stay. */
	memset(s, 0, offsetof(struct i8042_state, key_head));
	s->ram[0] = I8042_CTR_DEFAULT;
	s->sys_flag = true;
	s->output_port = I8042_OUT_DEFAULT;
	s->scanning = true;
	kbd_defaults(s);
	if (irq_was)
		irq_lower(&k->irq);
	if (i8042_a20(k) != a20_was && k->a20)
		k->a20(k->opaque, !a20_was);
	refill(k);
}

int i8042_init(struct i8042 *k, struct bus *bus, struct irq_line irq1)
{
	memset(k, 0, sizeof(*k));
	k->irq = irq1;
	i8042_reset(k);
	int r = bus_register_pio(bus, "i8042-data", I8042_DATA_PORT, 1, i8042_access, k);
	if (r == 0)
		r = bus_register_pio(bus, "i8042-status", I8042_STATUS_PORT, 1, i8042_access, k);
	if (r == 0)
		r = bus_register_pio(bus, "port-a", I8042_PORT_A, 1, i8042_access, k);
	return r;
}

void i8042_post_load(struct i8042 *k)
{
	struct i8042_state *s = &k->s;
	/* Indexes out of range would read past the arrays: clamp them. */
	s->key_head %= I8042_FIFO_SIZE;
	if (s->key_count > I8042_FIFO_SIZE)
		s->key_count = I8042_FIFO_SIZE;
	if (s->ctrl_reply.len > I8042_REPLY_MAX)
		s->ctrl_reply.len = I8042_REPLY_MAX;
	if (s->kbd_reply.len > I8042_REPLY_MAX)
		s->kbd_reply.len = I8042_REPLY_MAX;
	irq_set_level(&k->irq, s->irq_level);
}
