// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * busbar_gpio_fixture: a test-only GPIO chip for busbar's kernel tests (scripts/kernel), built
 * against the installed kernel's headers at test time. Debian's kernel has neither gpio-mockup nor
 * gpio-sim, and the one GPIO driver it has that a VM can reach with interrupts (hid-cp2112) sleeps
 * in atomic context when an edge request starts or stops. This chip stands in for an I2C GPIO
 * expander: a sleeping chip (can_sleep) whose interrupts are nested threaded ones.
 *
 * 16 lines. Outputs keep the level the kernel drives; inputs read a level set from outside through
 * debugfs, /sys/kernel/debug/busbar-gpio-fixture/<offset> (write "0" or "1"; reading gives the
 * line's current level, output or input). Changing an input's level raises the matching edge
 * interrupt, which is what the GPIO character device turns into gpio_v2_line_event records.
 * Inputs idle high, like lines with pull-ups.
 */
#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/gpio/driver.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>

#define FIXTURE_NAME "busbar-gpio-fixture"
#define FIXTURE_LINES 16

struct fixture {
	struct gpio_chip gc;
	struct mutex lock; /* guards the levels and directions */
	unsigned long input_level;
	unsigned long output_level;
	unsigned long is_output;
	unsigned long irq_enabled; /* atomic bitops: changed under the irq descriptor lock */
	unsigned int irq_type[FIXTURE_LINES];
	struct dentry *debugfs;
};

static struct platform_device *fixture_device;
static struct fixture *fixture;

static int level_of(struct fixture *f, unsigned int offset)
{
	return test_bit(offset, &f->is_output) ? test_bit(offset, &f->output_level)
					       : test_bit(offset, &f->input_level);
}

static int fixture_get(struct gpio_chip *gc, unsigned int offset)
{
	struct fixture *f = gpiochip_get_data(gc);
	int level;

	mutex_lock(&f->lock);
	level = level_of(f, offset);
	mutex_unlock(&f->lock);
	return level;
}

static int fixture_get_multiple(struct gpio_chip *gc, unsigned long *mask, unsigned long *bits)
{
	struct fixture *f = gpiochip_get_data(gc);
	unsigned int offset;

	mutex_lock(&f->lock);
	for_each_set_bit(offset, mask, FIXTURE_LINES)
		assign_bit(offset, bits, level_of(f, offset));
	mutex_unlock(&f->lock);
	return 0;
}

static void fixture_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct fixture *f = gpiochip_get_data(gc);

	mutex_lock(&f->lock);
	assign_bit(offset, &f->output_level, value);
	mutex_unlock(&f->lock);
}

static void fixture_set_multiple(struct gpio_chip *gc, unsigned long *mask, unsigned long *bits)
{
	struct fixture *f = gpiochip_get_data(gc);

	mutex_lock(&f->lock);
	f->output_level = (f->output_level & ~*mask) | (*bits & *mask);
	mutex_unlock(&f->lock);
}

static int fixture_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	struct fixture *f = gpiochip_get_data(gc);

	mutex_lock(&f->lock);
	clear_bit(offset, &f->is_output);
	mutex_unlock(&f->lock);
	return 0;
}

static int fixture_direction_output(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct fixture *f = gpiochip_get_data(gc);

	mutex_lock(&f->lock);
	assign_bit(offset, &f->output_level, value);
	set_bit(offset, &f->is_output);
	mutex_unlock(&f->lock);
	return 0;
}

static int fixture_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct fixture *f = gpiochip_get_data(gc);

	return test_bit(offset, &f->is_output) ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static void fixture_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct fixture *f = gpiochip_get_data(gc);

	clear_bit(irqd_to_hwirq(d), &f->irq_enabled);
	gpiochip_disable_irq(gc, irqd_to_hwirq(d));
}

static void fixture_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct fixture *f = gpiochip_get_data(gc);

	gpiochip_enable_irq(gc, irqd_to_hwirq(d));
	set_bit(irqd_to_hwirq(d), &f->irq_enabled);
}

static int fixture_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct fixture *f = gpiochip_get_data(gc);

	if (type & IRQ_TYPE_LEVEL_MASK)
		return -EINVAL; /* edges only, like the expanders it stands in for */
	WRITE_ONCE(f->irq_type[irqd_to_hwirq(d)], type & IRQ_TYPE_EDGE_BOTH);
	return 0;
}

static const struct irq_chip fixture_irq_chip = {
	.name = FIXTURE_NAME,
	.irq_mask = fixture_irq_mask,
	.irq_unmask = fixture_irq_unmask,
	.irq_set_type = fixture_irq_set_type,
	.flags = IRQCHIP_IMMUTABLE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

static ssize_t fixture_level_write(struct file *file, const char __user *from, size_t len, loff_t *ppos)
{
	unsigned int offset = (unsigned int)(uintptr_t)file->private_data;
	struct fixture *f = fixture;
	unsigned int value, type;
	bool fire = false;
	int was, ret;

	ret = kstrtouint_from_user(from, len, 0, &value);
	if (ret)
		return ret;
	if (value > 1)
		return -EINVAL;

	mutex_lock(&f->lock);
	was = test_bit(offset, &f->input_level);
	assign_bit(offset, &f->input_level, value);
	type = READ_ONCE(f->irq_type[offset]);
	if (!test_bit(offset, &f->is_output) && was != (int)value && test_bit(offset, &f->irq_enabled))
		fire = value ? (type & IRQ_TYPE_EDGE_RISING) : (type & IRQ_TYPE_EDGE_FALLING);
	mutex_unlock(&f->lock);

	if (fire) {
		unsigned int irq = irq_find_mapping(f->gc.irq.domain, offset);

		if (irq)
			handle_nested_irq(irq);
	}
	return len;
}

static ssize_t fixture_level_read(struct file *file, char __user *to, size_t len, loff_t *ppos)
{
	unsigned int offset = (unsigned int)(uintptr_t)file->private_data;
	char text[3];

	text[0] = fixture_get(&fixture->gc, offset) ? '1' : '0';
	text[1] = '\n';
	text[2] = '\0';
	return simple_read_from_buffer(to, len, ppos, text, 2);
}

static const struct file_operations fixture_level_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fixture_level_read,
	.write = fixture_level_write,
	.llseek = default_llseek,
};

static int __init fixture_init(void)
{
	struct gpio_irq_chip *girq;
	unsigned int offset;
	int ret;

	fixture_device = platform_device_register_simple(FIXTURE_NAME, -1, NULL, 0);
	if (IS_ERR(fixture_device))
		return PTR_ERR(fixture_device);

	fixture = kzalloc(sizeof(*fixture), GFP_KERNEL);
	if (!fixture) {
		ret = -ENOMEM;
		goto err_device;
	}
	mutex_init(&fixture->lock);
	fixture->input_level = GENMASK(FIXTURE_LINES - 1, 0);

	fixture->gc.label = FIXTURE_NAME;
	fixture->gc.parent = &fixture_device->dev;
	fixture->gc.owner = THIS_MODULE;
	fixture->gc.base = -1;
	fixture->gc.ngpio = FIXTURE_LINES;
	fixture->gc.can_sleep = true;
	fixture->gc.get = fixture_get;
	fixture->gc.get_multiple = fixture_get_multiple;
	fixture->gc.set = fixture_set;
	fixture->gc.set_multiple = fixture_set_multiple;
	fixture->gc.direction_input = fixture_direction_input;
	fixture->gc.direction_output = fixture_direction_output;
	fixture->gc.get_direction = fixture_get_direction;

	girq = &fixture->gc.irq;
	gpio_irq_chip_set_chip(girq, &fixture_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;
	girq->threaded = true;

	ret = gpiochip_add_data(&fixture->gc, fixture);
	if (ret)
		goto err_free;

	fixture->debugfs = debugfs_create_dir(FIXTURE_NAME, NULL);
	for (offset = 0; offset < FIXTURE_LINES; offset++) {
		char name[8];

		snprintf(name, sizeof(name), "%u", offset);
		debugfs_create_file(name, 0600, fixture->debugfs, (void *)(uintptr_t)offset, &fixture_level_fops);
	}
	return 0;

err_free:
	kfree(fixture);
err_device:
	platform_device_unregister(fixture_device);
	return ret;
}

static void __exit fixture_exit(void)
{
	debugfs_remove_recursive(fixture->debugfs);
	gpiochip_remove(&fixture->gc);
	kfree(fixture);
	platform_device_unregister(fixture_device);
}

module_init(fixture_init);
module_exit(fixture_exit);
MODULE_DESCRIPTION("busbar test fixture: a GPIO chip with edge interrupts driven through debugfs");
MODULE_LICENSE("Dual MIT/GPL");
