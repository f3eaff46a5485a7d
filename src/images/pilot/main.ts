/** The pilot image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { pilot } from './program.ts';

runStandalone(pilot);
