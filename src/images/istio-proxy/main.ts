/** The proxyv2 image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { istioProxy } from './program.ts';

runStandalone(istioProxy);
