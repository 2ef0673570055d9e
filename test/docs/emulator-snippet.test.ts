/**
 * The README's "emulator in your tests" quick start, run as written: importing the file registers
 * its hooks and tests in this suite (`nestjs-authing/*` maps to the sources, see jest.config.js).
 */
import '../../examples/snippets/emulator.e2e.test.js';
