/** The echo image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { echo } from './program.ts';

runStandalone(echo);
